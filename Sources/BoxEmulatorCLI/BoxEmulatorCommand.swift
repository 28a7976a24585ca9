import ArgumentParser
import BoxEmulator
import Dispatch
import Foundation
import Logging

/// `box-emulator`: runs a local Box emulator until SIGTERM or SIGINT.
@main
struct BoxEmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "box-emulator",
        abstract: "A local Box API emulator for testing boxfs.",
        discussion: "Prints the base URL and the boxfs config lines on start; admin endpoints live under /_emulator.")

    @Option(help: "TCP port on 127.0.0.1 (0 = any free port).")
    var port: Int = 0

    @Option(help: "Directory for content and metadata (reused across runs).")
    var data: String

    @Flag(help: "Create a sample tree if the account is empty.")
    var seed = false

    @Option(help: "Accept this access token for the default user (repeatable).")
    var token: [String] = []

    @Option(help: "Create folder \"big\" with this many small files.")
    var seedBigFolder: Int?

    @Option(help: "Create \"large.bin\" with this many bytes of deterministic content.")
    var seedLargeFile: Int64?

    @Option(help: "Scheme and host for URLs handed to clients (e.g. https://api.box.com behind a TLS proxy).")
    var publicURL: String?

    @Option(help: "Seconds a long-poll waits before answering reconnect.")
    var longPollTimeout: Double = 610

    @Option(help: "Derived Box schema file; when given, responses are checked for conformance.")
    var conformanceSchema: String?

    @OptionGroup var faults: FaultOptions
    @OptionGroup var auth: AuthOptions

    @Option(help: "Log level (trace, debug, info, notice, warning, error, critical).")
    var logLevel: String = "warning"

    func run() async throws {
        var logger = Logger(label: "box-emulator")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .warning

        var configuration = EmulatorConfiguration(dataDirectory: URL(fileURLWithPath: data, isDirectory: true))
        configuration.port = port
        configuration.seed = seed
        configuration.staticTokens = token
        configuration.seedBigFolder = seedBigFolder
        configuration.seedLargeFile = seedLargeFile
        configuration.publicBaseURL = publicURL
        configuration.longPollTimeout = longPollTimeout
        configuration.conformanceSchemaFile = conformanceSchema.map { URL(fileURLWithPath: $0) }
        configuration.faults = faults.settings
        configuration.auth = try auth.makeConfiguration()

        let server = try await EmulatorServer.start(configuration, logger: logger)
        print("box-emulator listening on \(server.baseURL)")
        print("api_url = \(server.apiURL)")
        print("upload_url = \(server.uploadURL)")
        print("token_url = \(server.tokenURL)")
        fflush(stdout)

        await Self.waitForTerminationSignal()
        try await server.shutdown()
    }

    /// Returns on the first SIGTERM or SIGINT.
    static func waitForTerminationSignal() async {
        let (signals, continuation) = AsyncStream<Void>.makeStream()
        var sources: [DispatchSourceSignal] = []
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { continuation.yield() }
            source.resume()
            sources.append(source)
        }
        for await _ in signals { break }
        sources.forEach { $0.cancel() }
    }
}
