import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A running Box emulator: one HTTP server on 127.0.0.1 serving the API (`/2.0`), uploads (`/api/2.0`),
/// OAuth (`/oauth2`), download links, the long-poll URL and the admin endpoints (`/_emulator`).
///
/// ```swift
/// var configuration = EmulatorConfiguration(dataDirectory: dir)
/// configuration.staticTokens = ["T"]
/// let emulator = try await EmulatorServer.start(configuration, logger: logger)
/// // ... talk to emulator.apiURL with "Authorization: Bearer T"
/// try await emulator.shutdown()
/// ```
public final class EmulatorServer: Sendable {
    /// "http://127.0.0.1:PORT".
    public let baseURL: String
    /// The port actually bound.
    public let port: Int
    let services: EmulatorServices
    private let runTask: Task<Void, Error>
    private let stopSignal: AsyncStream<Void>.Continuation

    /// `baseURL` + "/2.0": the API root (`api_url` in a boxfs config).
    public var apiURL: String { baseURL + "/2.0" }
    /// `baseURL` + "/api/2.0": the upload root (`upload_url`).
    public var uploadURL: String { baseURL + "/api/2.0" }
    /// `baseURL` + "/oauth2/token" (`token_url`).
    public var tokenURL: String { baseURL + "/oauth2/token" }
    /// The token authority, e.g. to issue tokens with a short lifetime in tests.
    public var authority: TokenAuthority { services.authority }

    private init(baseURL: String, port: Int, services: EmulatorServices, runTask: Task<Void, Error>, stopSignal: AsyncStream<Void>.Continuation) {
        self.baseURL = baseURL
        self.port = port
        self.services = services
        self.runTask = runTask
        self.stopSignal = stopSignal
    }

    /// Starts an emulator and returns once it accepts connections.
    public static func start(_ configuration: EmulatorConfiguration, logger: Logger) async throws -> EmulatorServer {
        try FileManager.default.createDirectory(at: configuration.dataDirectory, withIntermediateDirectories: true)
        let store = try BoxStore(dataDirectory: configuration.dataDirectory, logger: logger)
        let authority = TokenAuthority(configuration: configuration.auth, users: store)
        for token in configuration.staticTokens {
            authority.registerStaticToken(token, for: EmulatorUsers.defaultUser)
        }
        let services = try EmulatorServices(
            configuration: configuration, store: store, authority: authority, conformance: ConformanceRecorder())
        try Seeder(store: store).seed(configuration)

        let router = try EmulatorRouter.build(services)
        let (bound, boundContinuation) = AsyncStream<Int>.makeStream()
        let (stop, stopContinuation) = AsyncStream<Void>.makeStream()
        let app = Application(
            responder: BoxResponder(inner: router.buildResponder()),
            configuration: .init(address: .hostname("127.0.0.1", port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                boundContinuation.yield(channel.localAddress?.port ?? configuration.port)
                boundContinuation.finish()
            },
            logger: logger)
        let runTask = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                let serviceGroup = ServiceGroup(configuration: .init(services: [app], logger: logger))
                group.addTask { try await serviceGroup.run() }
                for await _ in stop { break }
                store.events.close()
                await serviceGroup.triggerGracefulShutdown()
                try await group.waitForAll()
            }
            store.flush()
        }
        var iterator = bound.makeAsyncIterator()
        guard let port = await iterator.next() else {
            stopContinuation.finish()
            try await runTask.value
            throw EmulatorStartError.notListening
        }
        return EmulatorServer(
            baseURL: "http://127.0.0.1:\(port)", port: port, services: services, runTask: runTask, stopSignal: stopContinuation)
    }

    /// Stops accepting requests, finishes the running ones and saves the metadata.
    public func shutdown() async throws {
        stopSignal.yield()
        stopSignal.finish()
        try await runTask.value
    }

    /// Replaces the fault settings (as `PUT /_emulator/faults` does with a full object).
    public func setFaults(_ settings: FaultSettings) {
        services.faults.replace(with: settings)
    }

    /// Issues an access token for `user` (default lifetime unless `ttl`).
    public func issueToken(for user: UserID = EmulatorUsers.defaultUser, ttl: TimeInterval? = nil) -> String {
        services.authority.issueAccessToken(for: user, ttl: ttl)
    }
}

/// Why `EmulatorServer.start` failed.
public enum EmulatorStartError: Error {
    /// The server stopped before it was listening (the port may be in use).
    case notListening
}
