import AsyncHTTPClient
@testable import BoxEmulator
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import XCTest

/// Drives the emulator through the operations boxfs uses, with the conformance middleware on, and expects every
/// response body to match Box's spec.
final class ConformanceEmulatorTests: XCTestCase {
    private var emulator: EmulatorServer!
    private var directory: URL!

    override func setUp() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("conformance-\(UUID().uuidString)")
        var configuration = EmulatorConfiguration(dataDirectory: directory)
        configuration.staticTokens = ["T"]
        configuration.conformanceSchemaFile = ConformanceValidatorTests.schemaFile
        configuration.auth.register(RegisteredApp(clientID: "app", clientSecret: "secret",
                                                  enterpriseID: EmulatorUsers.enterpriseID))
        emulator = try await EmulatorServer.start(configuration, logger: Logger(label: "conformance"))
    }

    override func tearDown() async throws {
        try await emulator.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }

    @discardableResult
    private func call(_ method: HTTPMethod, _ path: String, json: String? = nil, body: ByteBuffer? = nil,
                      headers: [(String, String)] = [], token: String? = "T") async throws -> (Int, [String: Any]) {
        var request = HTTPClientRequest(url: emulator.baseURL + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        } else if let body {
            request.body = .bytes(body)
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let object = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any]
        return (Int(response.status.code), object ?? [:])
    }

    func testEveryResponseMatchesBoxsSpec() async throws {
        try await call(.GET, "/2.0/users/me")
        try await call(.GET, "/2.0/folders/0")
        let (_, folder) = try await call(.POST, "/2.0/folders", json: #"{"name":"Docs","parent":{"id":"0"}}"#)
        let folderID = try XCTUnwrap(folder["id"] as? String)
        try await call(.POST, "/2.0/folders", json: #"{"name":"docs","parent":{"id":"0"}}"#)  // 409
        try await call(.OPTIONS, "/2.0/files/content", json: #"{"name":"a.txt","parent":{"id":"0"},"size":5}"#)

        let boundary = "conformance-boundary"
        let multipart = "--\(boundary)\r\nContent-Disposition: form-data; name=\"attributes\"\r\n\r\n"
            + #"{"name":"a.txt","parent":{"id":"0"}}"# + "\r\n--\(boundary)\r\n"
            + "Content-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
            + "Content-Type: application/octet-stream\r\n\r\nhello\r\n--\(boundary)--\r\n"
        let (status, uploaded) = try await call(.POST, "/api/2.0/files/content", body: ByteBuffer(string: multipart),
                                                headers: [("Content-Type", "multipart/form-data; boundary=\(boundary)")])
        XCTAssertEqual(status, 201)
        let entries = try XCTUnwrap(uploaded["entries"] as? [[String: Any]])
        let fileID = try XCTUnwrap(entries.first?["id"] as? String)
        try await call(.OPTIONS, "/2.0/files/content", json: #"{"name":"A.TXT","parent":{"id":"0"}}"#)  // 409
        try await call(.OPTIONS, "/2.0/files/content", json: #"{"name":"DOCS","parent":{"id":"0"}}"#)  // 409, a folder

        try await call(.GET, "/2.0/folders/0/items?limit=1000&usemarker=true")
        try await call(.GET, "/2.0/folders/0/items?fields=name,size,sha1,modified_at")
        try await call(.GET, "/2.0/files/\(fileID)")
        try await call(.PUT, "/2.0/files/\(fileID)", json: #"{"name":"b.txt","parent":{"id":"\#(folderID)"}}"#)
        try await call(.POST, "/2.0/files/\(fileID)/copy", json: #"{"parent":{"id":"0"}}"#)
        try await call(.GET, "/2.0/files/\(fileID)/versions")
        try await call(.PUT, "/2.0/folders/\(folderID)", json: #"{"name":"Docs2"}"#)
        try await call(.GET, "/2.0/files/987654321")  // 404
        try await call(.OPTIONS, "/2.0/events")
        try await call(.GET, "/2.0/events?stream_position=0&stream_type=changes")
        try await call(.DELETE, "/2.0/files/\(fileID)")
        try await call(.DELETE, "/2.0/folders/\(folderID)?recursive=true")
        // Events about trashed items, and the trash itself, in their standard representations.
        try await call(.GET, "/2.0/events?stream_position=0&stream_type=changes")
        try await call(.GET, "/2.0/folders/trash/items")
        try await call(.GET, "/2.0/users/me", token: "wrong")  // 401, empty body
        try await call(.POST, "/oauth2/token", body: ByteBuffer(string: "grant_type=client_credentials&client_id=app"
            + "&client_secret=secret&box_subject_type=enterprise&box_subject_id=\(EmulatorUsers.enterpriseID)"),
            headers: [("Content-Type", "application/x-www-form-urlencoded")], token: nil)
        try await call(.POST, "/oauth2/token", body: ByteBuffer(string: "grant_type=refresh_token&refresh_token=x"
            + "&client_id=app&client_secret=secret"),
            headers: [("Content-Type", "application/x-www-form-urlencoded")], token: nil)  // 400 invalid_grant

        let (_, report) = try await call(.GET, "/_emulator/conformance", token: nil)
        XCTAssertGreaterThanOrEqual(report["checked"] as? Int ?? 0, 18, "JSON bodies checked")
        let violations = report["violations"] as? [[String: Any]] ?? []
        XCTAssertTrue(violations.isEmpty, violations.map { "\($0)" }.joined(separator: "\n"))
    }
}
