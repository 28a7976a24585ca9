import AsyncHTTPClient
@testable import BoxEmulator
@testable import BoxFS
import Foundation
import XCTest

/// `boxfs auth login`'s parts: the authorize URL, the loopback listener and a pasted address, and the code exchange
/// that leaves the first pair in `refresh_token_file`.
final class AuthLoginTests: XCTestCase {
    private func login(_ harness: AuthEmulatorHarness, redirect: String) throws -> AuthorizationCodeLogin {
        let store = harness.directory.appendingPathComponent("oauth.json")
        let configuration = try harness.configuration("auth = oauth\nclient_id = \(AuthEmulatorHarness.clientID)\n"
            + "client_secret = \(AuthEmulatorHarness.clientSecret)\nrefresh_token_file = \(store.path)\n")
        return try AuthorizationCodeLogin(configuration: configuration, redirectURI: URL(string: redirect)!)
    }

    func testTheBrowsersRedirectReachesTheListenerAndThePairIsStoredPrivately() async throws {
        let harness = try await AuthEmulatorHarness.start()
        let port = Int.random(in: 20000 ... 60000)
        let login = try login(harness, redirect: "http://127.0.0.1:\(port)/boxfs/callback")
        XCTAssertEqual(login.authorizeURL.absoluteString, harness.emulator.baseURL + "/api/oauth2/authorize")
        let receiver = try LoopbackRedirectReceiver(redirectURI: login.redirectURI)
        async let query = receiver.receive()
        // The browser: the authorize page redirects to the listener, which answers with its own page.
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: login.userAuthorizationURL.absoluteString),
                                                           timeout: .seconds(10))
        XCTAssertEqual(response.status, .ok)
        let code = try AuthorizationResponse.code(fromQuery: try await query, expectedState: login.state)
        harness.noteSecret(code)
        try await login.exchange(code: code, http: harness.http, logger: harness.logger)

        let attributes = try FileManager.default.attributesOfItem(atPath: login.tokenFile.path)
        XCTAssertEqual(attributes[.posixPermissions] as? Int, 0o600)
        let stored = try JSONSerialization.jsonObject(with: Data(contentsOf: login.tokenFile)) as? [String: Any]
        for key in ["access_token", "refresh_token"] { (stored?[key] as? String).map(harness.noteSecret) }
        let provider = try harness.provider("auth = oauth\nclient_id = \(AuthEmulatorHarness.clientID)\n"
            + "client_secret = \(AuthEmulatorHarness.clientSecret)\nrefresh_token_file = \(login.tokenFile.path)\n")
        let user = try await harness.user(for: provider)
        XCTAssertEqual(user, EmulatorUsers.defaultUser.rawValue)
        try await harness.shutdown()
    }

    func testAPastedAddressQueryOrBareCodeGivesTheCode() throws {
        let state = "3f9a0c"
        XCTAssertEqual(try AuthorizationResponse.code(fromPasted: " http://127.0.0.1:9/cb?code=abc123&state=\(state)\n",
                                                      expectedState: state), "abc123")
        XCTAssertEqual(try AuthorizationResponse.code(fromPasted: "state=\(state)&code=xyz", expectedState: state), "xyz")
        XCTAssertEqual(try AuthorizationResponse.code(fromPasted: "Zq8wK2", expectedState: state), "Zq8wK2")
        XCTAssertThrowsError(try AuthorizationResponse.code(fromPasted: "http://h/cb?code=abc&state=other", expectedState: state)) {
            XCTAssertEqual($0 as? AuthorizationResponse.Failure, .stateMismatch)
        }
        XCTAssertThrowsError(try AuthorizationResponse.code(
            fromPasted: "http://h/cb?error=access_denied&error_description=The+user+denied+access&state=\(state)",
            expectedState: state)) {
            XCTAssertEqual($0 as? AuthorizationResponse.Failure,
                           .refused(error: "access_denied", description: "The user denied access"))
        }
        XCTAssertThrowsError(try AuthorizationResponse.code(fromPasted: "not a code", expectedState: state))
    }

    func testBoxsAuthorizePageIsOnAccountBoxComNotTheAPIHost() {
        XCTAssertEqual(AuthorizationCodeLogin.defaultAuthorizeURL(tokenURL: URL(string: "https://api.box.com/oauth2/token")!),
                       AuthorizationCodeLogin.boxAuthorizeURL)
        XCTAssertEqual(AuthorizationCodeLogin.boxAuthorizeURL.absoluteString, "https://account.box.com/api/oauth2/authorize")
    }

    func testTheListenerOnlyTakesLoopbackHTTPRedirects() {
        XCTAssertThrowsError(try LoopbackRedirectReceiver(redirectURI: URL(string: "https://example.com/cb")!))
        XCTAssertThrowsError(try LoopbackRedirectReceiver(redirectURI: URL(string: "http://127.0.0.1/cb")!))
    }
}
