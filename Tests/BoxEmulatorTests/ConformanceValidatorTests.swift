@testable import BoxEmulator
import Foundation
import XCTest

/// The schema validator and the operation lookup over the committed derived schema file.
final class ConformanceValidatorTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let schemaFile = repository.appendingPathComponent("schema/box-api-schema.json")

    private func schemas() throws -> ResponseSchemas { try ResponseSchemas(contentsOf: Self.schemaFile) }

    private func violations(_ json: String, operation name: String, status: Int) throws -> [SchemaViolation] {
        let schemas = try schemas()
        let parts = name.split(separator: " ", maxSplits: 1).map(String.init)
        let operation = try XCTUnwrap(schemas.operation(method: parts[0], path: "/2.0" + parts[1]))
        guard case let .body(schema) = schemas.expectation(for: operation, status: status) else {
            XCTFail("no body schema for \(name) \(status)")
            return []
        }
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
        return schemas.validator.violations(of: value, against: schema)
    }

    func testAConformingBodyHasNoViolations() throws {
        let listing = """
        {"total_count":1,"limit":100,"offset":0,"entries":[
         {"type":"folder","id":"12","etag":"0","sequence_id":"0","name":"docs"},
         {"type":"file","id":"13","etag":"1","sequence_id":"1","name":"a.txt","sha1":"da39a3ee5e6b4b0d3255bfef95601890afd80709",
          "size":0,"created_at":"2024-05-01T10:20:30-07:00","parent":null}]}
        """
        XCTAssertEqual(try violations(listing, operation: "GET /folders/1/items", status: 200), [])
    }

    func testViolationsAreCaughtWithWhereAndWhat() throws {
        let bad = """
        {"type":"file","id":13,"etag":"1","name":"a.txt","size":"big","created_at":"yesterday",
         "item_status":"gone","parent":{"type":"folder","name":"x"}}
        """
        let found = try violations(bad, operation: "GET /files/13", status: 200)
        let byPointer = Dictionary(grouping: found, by: \.pointer).mapValues { $0.map(\.message) }
        XCTAssertEqual(byPointer["/id"], ["expected string, found 13"])
        XCTAssertEqual(byPointer["/size"], ["expected integer, found 'big'"])
        XCTAssertEqual(byPointer["/created_at"], ["'yesterday' is not an RFC 3339 date-time"])
        XCTAssertEqual(byPointer["/item_status"], ["'gone' is not one of the spec's values"])
        XCTAssertEqual(byPointer["/parent"], ["required property 'id' is missing"])
    }

    func testErrorsAreCheckedAgainstBoxsErrorShape() throws {
        XCTAssertEqual(try violations(#"{"type":"error","status":409,"code":"item_name_in_use","message":"m","request_id":"r"}"#,
                                      operation: "POST /folders", status: 409), [])
        let found = try violations(#"{"type":"oops","status":"409"}"#, operation: "POST /folders", status: 409)
        XCTAssertEqual(Set(found.map(\.pointer)), ["/type", "/status"])
    }

    func testNullIsOnlyAllowedWhereTheSpecSaysNullable() throws {
        let found = try violations(#"{"type":"user","id":"1","name":null}"#, operation: "GET /users/me", status: 200)
        XCTAssertEqual(found, [SchemaViolation(pointer: "/name", message: "expected string, found null")])
        // shared_link is `allOf: [{type: object}, {nullable: true}]`; owned_by ends in `{nullable: false}`.
        let file = try violations(#"{"type":"file","id":"1","shared_link":null,"owned_by":null}"#,
                                  operation: "GET /files/1", status: 200)
        XCTAssertEqual(file.map(\.pointer), ["/owned_by"])
    }

    func testRequestPathsFindTheirOperation() throws {
        let schemas = try schemas()
        let cases: [(String, String, String?)] = [
            ("OPTIONS", "/2.0/files/content", "OPTIONS /files/content"),
            ("OPTIONS", "/2.0/files/content/", "OPTIONS /files/content"),
            ("POST", "/api/2.0/files/content", "POST /files/content"),
            ("POST", "/api/2.0/files/77/content", "POST /files/{file_id}/content"),
            ("GET", "/2.0/files/77", "GET /files/{file_id}"),
            ("POST", "/api/2.0/files/upload_sessions/AB12/commit", "POST /files/upload_sessions/{upload_session_id}/commit"),
            ("POST", "/oauth2/token", "POST /oauth2/token"),
            ("POST", "/api/oauth2/token", "POST /oauth2/token"),
            ("GET", "/_emulator/stats", nil),
        ]
        for (method, path, expected) in cases {
            XCTAssertEqual(schemas.operation(method: method, path: path)?.name, expected, "\(method) \(path)")
        }
        let token = try XCTUnwrap(schemas.operation(method: "POST", path: "/oauth2/token"))
        guard case .body = schemas.expectation(for: token, status: 400) else { return XCTFail("OAuth errors unchecked") }
        let upload = try XCTUnwrap(schemas.operation(method: "POST", path: "/api/2.0/files/content"))
        guard case .undocumented = schemas.expectation(for: upload, status: 200) else { return XCTFail("200 documented?") }
    }

    /// The committed file must match what the script derives from the spec (when the spec is here to compare).
    func testDerivedSchemaFileIsFresh() throws {
        XCTAssertTrue(FileManager.default.fileExists(atPath: Self.schemaFile.path), "schema/box-api-schema.json missing")
        let spec = Self.repository.deletingLastPathComponent().appendingPathComponent("shared/box-openapi/openapi.json")
        try XCTSkipUnless(FileManager.default.fileExists(atPath: spec.path), "Box's OpenAPI spec is not present")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.repository.appendingPathComponent("scripts/derive-box-schema").path, "--check"]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, message)
    }
}
