import AsyncHTTPClient
@testable import BoxEmulator
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import XCTest

/// An answer from the emulator, with its body parsed as JSON when it is JSON.
struct EmulatorReply {
    let status: Int
    let headers: HTTPHeaders
    let body: Data

    var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
    var entries: [[String: Any]] { json["entries"] as? [[String: Any]] ?? [] }
    var code: String? { json["code"] as? String }
    func header(_ name: String) -> String? { headers.first(name: name) }
}

/// An in-process emulator on port 0 with token "T" for the default user, and an HTTP client that does not
/// follow redirects (so tests see the 302s).
final class EmulatorHarness: @unchecked Sendable {
    static let token = "T"
    let server: EmulatorServer
    let client: HTTPClient
    let directory: URL

    private init(server: EmulatorServer, client: HTTPClient, directory: URL) {
        self.server = server
        self.client = client
        self.directory = directory
    }

    static func start(_ adjust: (inout EmulatorConfiguration) -> Void = { _ in }) async throws -> EmulatorHarness {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("emulator-\(UUID().uuidString)")
        var configuration = EmulatorConfiguration(dataDirectory: directory)
        configuration.staticTokens = [token]
        adjust(&configuration)
        let server = try await EmulatorServer.start(configuration, logger: Logger(label: "emulator-tests"))
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.redirectConfiguration = .disallow
        return EmulatorHarness(server: server, client: HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration), directory: directory)
    }

    func stop() async throws {
        try await client.shutdown()
        try await server.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }

    /// A request to `pathOrURL` (a path on the emulator or an absolute URL).
    @discardableResult
    func call(_ method: HTTPMethod, _ pathOrURL: String, json: String? = nil, body: Data? = nil,
              headers: [(String, String)] = [], token: String? = EmulatorHarness.token) async throws -> EmulatorReply {
        var request = HTTPClientRequest(url: pathOrURL.hasPrefix("http") ? pathOrURL : server.baseURL + pathOrURL)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        } else if let body {
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return EmulatorReply(status: Int(response.status.code), headers: response.headers, body: Data(bytes.readableBytesView))
    }

    /// A multipart simple upload; `attributesFirst: false` sends the parts in the order Box refuses.
    @discardableResult
    func upload(name: String, parent: String = "0", content: Data, to fileID: String? = nil, attributesFirst: Bool = true,
                headers: [(String, String)] = []) async throws -> EmulatorReply {
        let boundary = "emulator-test-boundary"
        let attributes = Data(("--\(boundary)\r\nContent-Disposition: form-data; name=\"attributes\"\r\n\r\n"
            + #"{"name":"\#(name)","parent":{"id":"\#(parent)"}}"# + "\r\n").utf8)
        var file = Data(("--\(boundary)\r\nContent-Disposition: form-data; name=\"contents\"; filename=\"\(name)\"\r\n"
            + "Content-Type: application/octet-stream\r\n\r\n").utf8)
        file.append(content)
        file.append(Data("\r\n".utf8))
        var body = attributesFirst ? attributes + file : file + attributes
        body.append(Data("--\(boundary)--\r\n".utf8))
        let path = fileID.map { "/api/2.0/files/\($0)/content" } ?? "/api/2.0/files/content"
        return try await call(.POST, path, body: body,
                              headers: [("Content-Type", "multipart/form-data; boundary=\(boundary)")] + headers)
    }

    /// Creates a folder and returns its id.
    func makeFolder(_ name: String, in parent: String = "0") async throws -> String {
        let reply = try await call(.POST, "/2.0/folders", json: #"{"name":"\#(name)","parent":{"id":"\#(parent)"}}"#)
        XCTAssertEqual(reply.status, 201, String(decoding: reply.body, as: UTF8.self))
        return try XCTUnwrap(reply.json["id"] as? String)
    }

    /// Uploads a file and returns its id.
    func makeFile(_ name: String, in parent: String = "0", content: String) async throws -> String {
        let reply = try await upload(name: name, parent: parent, content: Data(content.utf8))
        XCTAssertEqual(reply.status, 201, String(decoding: reply.body, as: UTF8.self))
        return try XCTUnwrap(reply.entries.first?["id"] as? String)
    }

    /// The download URL `GET /files/{id}/content` redirects to.
    func downloadURL(_ fileID: String, version: String? = nil) async throws -> String {
        let reply = try await call(.GET, "/2.0/files/\(fileID)/content" + (version.map { "?version=\($0)" } ?? ""))
        XCTAssertEqual(reply.status, 302)
        return try XCTUnwrap(reply.header("Location"))
    }

    /// The admin stats document.
    func stats() async throws -> [String: Any] {
        try await call(.GET, "/_emulator/stats", token: nil).json
    }

    func setFaults(_ json: String) async throws {
        let reply = try await call(.PUT, "/_emulator/faults", json: json, token: nil)
        XCTAssertEqual(reply.status, 200, String(decoding: reply.body, as: UTF8.self))
    }
}

/// Hex SHA-1 via the emulator's hasher.
func sha1Hex(_ data: Data) -> String { SHA1Hasher.digest(data).hex }
