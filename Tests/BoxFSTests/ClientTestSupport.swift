@testable import BoxFS
import BoxEmulator
import Cache
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import XCTest

/// An in-process emulator plus a client talking HTTP to it, in a fresh temporary directory.
final class ClientHarness: @unchecked Sendable {
    // @unchecked: set up once in `start` and read-only afterwards.
    static let token = "client-test-token"

    let emulator: EmulatorServer
    let client: BoxClient
    let directory: URL

    private init(emulator: EmulatorServer, client: BoxClient, directory: URL) {
        self.emulator = emulator
        self.client = client
        self.directory = directory
    }

    /// Starts an emulator with a static token and a client with fast retries.
    static func start(
        tokens: (any AccessTokenProvider)? = nil,
        configure: (inout EmulatorConfiguration) -> Void = { _ in },
        client adjust: (inout BoxClientConfiguration) -> Void = { _ in }
    ) async throws -> ClientHarness {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("boxfs-client-\(UUID().uuidString)")
        var configuration = EmulatorConfiguration(dataDirectory: directory.appendingPathComponent("emulator"))
        configuration.staticTokens = [token]
        configure(&configuration)
        var logger = Logger(label: "client-tests")
        logger.logLevel = .warning
        let emulator = try await EmulatorServer.start(configuration, logger: logger)
        var clientConfiguration = BoxClientConfiguration(apiURL: emulator.apiURL, uploadURL: emulator.uploadURL)
        clientConfiguration.retryBaseDelay = 0.01
        clientConfiguration.maxRetryDelay = 0.2
        adjust(&clientConfiguration)
        let client = BoxClient(
            configuration: clientConfiguration, tokens: tokens ?? StaticTokenProvider(token: token), logger: logger)
        return ClientHarness(emulator: emulator, client: client, directory: directory)
    }

    func stop() async throws {
        try await client.shutdown()
        try await emulator.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Changes fault injection through the admin endpoint (`PUT /_emulator/faults`, any subset of keys).
    func setFaults(_ faults: [String: Any]) async throws {
        var request = URLRequest(url: URL(string: emulator.baseURL + "/_emulator/faults")!)
        request.httpMethod = "PUT"
        request.httpBody = try JSONSerialization.data(withJSONObject: faults)
        let (_, response) = try await URLSession.shared.data(for: request)
        XCTAssertEqual((response as? HTTPURLResponse)?.statusCode, 200)
    }

    /// How often the emulator answered `route` ("GET /2.0/folders/{id}/items"), or answered it with `status`,
    /// from `GET /_emulator/stats`.
    func calls(_ route: String, status: Int? = nil) async throws -> Int {
        let (data, _) = try await URLSession.shared.data(from: URL(string: emulator.baseURL + "/_emulator/stats")!)
        let stats = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let counters = (stats?["routes"] as? [String: Any])?[route] as? [String: Any]
        guard let status else { return counters?["count"] as? Int ?? 0 }
        return (counters?["statuses"] as? [String: Any])?[String(status)] as? Int ?? 0
    }

    /// Resets the emulator's call counters.
    func resetStats() async throws {
        var request = URLRequest(url: URL(string: emulator.baseURL + "/_emulator/stats/reset")!)
        request.httpMethod = "POST"
        _ = try await URLSession.shared.data(for: request)
    }

    /// Writes `size` bytes of deterministic content to a new local file and returns its path.
    func makeFile(size: Int, seed: UInt8 = 7) throws -> String {
        let path = directory.appendingPathComponent("local-\(UUID().uuidString)").path
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var written = 0
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while written < size {
            let count = min(chunk.count, size - written)
            for i in 0..<count { chunk[i] = UInt8(truncatingIfNeeded: (written + i) &* 31 &+ Int(seed) &+ (written + i) >> 11) }
            try handle.write(contentsOf: chunk[0..<count])
            written += count
        }
        return path
    }

    /// Hex SHA-1 of a local file, by `sha1sum` (an independent implementation).
    static func sha1sum(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha1sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return String(output.prefix(40))
    }
}

/// Asserts that `body` throws a `BoxAPIError` matching `check`.
func assertBoxError<T>(
    _ body: @autoclosure () async throws -> T, file: StaticString = #filePath, line: UInt = #line,
    _ check: (BoxAPIError) -> Bool
) async {
    do {
        _ = try await body()
        XCTFail("expected a BoxAPIError", file: file, line: line)
    } catch let error as BoxAPIError {
        XCTAssertTrue(check(error), "unexpected \(error)", file: file, line: line)
    } catch {
        XCTFail("unexpected \(error)", file: file, line: line)
    }
}
