import AsyncHTTPClient
@testable import BoxEmulator
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import XCTest

/// The token endpoints and bearer checks over HTTP, as clients meet them.
final class AuthHTTPTests: XCTestCase {
    private var emulator: EmulatorServer!
    private var directory: URL!

    override func setUp() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("auth-http-\(UUID().uuidString)")
        var configuration = EmulatorConfiguration(dataDirectory: directory)
        configuration.auth = AuthConfiguration(accessTokenLifetime: 1, apps: [
            RegisteredApp(clientID: "app", clientSecret: "s e&cret", enterpriseID: EmulatorUsers.enterpriseID),
        ])
        emulator = try await EmulatorServer.start(configuration, logger: Logger(label: "auth-http"))
    }

    override func tearDown() async throws {
        try await emulator.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }

    private func send(_ path: String, form: String? = nil, headers: [(String, String)] = [])
        async throws -> (status: Int, headers: HTTPHeaders, json: [String: Any]) {
        var request = HTTPClientRequest(url: emulator.baseURL + path)
        request.method = form == nil ? .GET : .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let form {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: form))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        let json = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any]
        return (Int(response.status.code), response.headers, json ?? [:])
    }

    private func login() throws -> String {
        let code = try emulator.authority.issueAuthorizationCode(for: EmulatorUsers.secondUser, clientID: "app")
        return "grant_type=authorization_code&code=\(code)"
    }

    func testBasicCredentialsAtRclonesLegacyPathAndRotation() async throws {
        // Go's x/oauth2 sends the client in HTTP Basic, form-encoded first; the secret has a space and an '&'.
        let basic = "Basic " + Data("app:s+e%26cret".utf8).base64EncodedString()
        let first = try await send("/api/oauth2/token", form: try login(), headers: [("Authorization", basic)])
        XCTAssertEqual(first.status, 200)
        let refresh = try XCTUnwrap(first.json["refresh_token"] as? String)
        let form = "grant_type=refresh_token&refresh_token=\(refresh)&client_id=app&client_secret=s%20e%26cret"
        let rotated = try await send("/oauth2/token", form: form)
        XCTAssertEqual(rotated.status, 200)
        let reused = try await send("/oauth2/token", form: form)
        XCTAssertEqual(reused.status, 400)
        XCTAssertEqual(reused.json["error"] as? String, "invalid_grant")
        XCTAssertEqual(reused.headers.first(name: "Content-Type"), "application/json")
    }

    func testExpiredAndRevokedTokensGetBoxs401() async throws {
        let granted = try await send("/oauth2/token", form: try login() + "&client_id=app&client_secret=s%20e%26cret")
        let token = try XCTUnwrap(granted.json["access_token"] as? String)
        let me = try await send("/2.0/users/me", headers: [("Authorization", "Bearer \(token)")])
        XCTAssertEqual(me.json["id"] as? String, EmulatorUsers.secondUser.rawValue)

        try await Task.sleep(nanoseconds: 1_100_000_000)
        let expired = try await send("/2.0/users/me", headers: [("Authorization", "Bearer \(token)")])
        XCTAssertEqual(expired.status, 401)
        XCTAssertTrue(expired.headers.first(name: "WWW-Authenticate")?.contains("expired_token") ?? false)

        let fresh = try await send("/oauth2/token", form: "grant_type=client_credentials&client_id=app"
            + "&client_secret=s%20e%26cret&box_subject_type=user&box_subject_id=\(EmulatorUsers.secondUser)")
        let freshToken = try XCTUnwrap(fresh.json["access_token"] as? String)
        let revoke = try await send("/oauth2/revoke", form: "token=\(freshToken)&client_id=app&client_secret=s%20e%26cret")
        XCTAssertEqual(revoke.status, 200)
        let revoked = try await send("/2.0/users/me", headers: [("Authorization", "Bearer \(freshToken)")])
        XCTAssertEqual(revoked.status, 401)
        XCTAssertTrue(revoked.headers.first(name: "WWW-Authenticate")?.contains("invalid_token") ?? false)
    }
}
