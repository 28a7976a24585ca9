@testable import BoxEmulator
import Foundation
import XCTest

/// Step 1 of the authorization-code flow: the authorize page's redirect back to the app, and its refusals.
final class AuthAuthorizeTests: XCTestCase {
    private var authority: TokenAuthority!

    override func setUp() {
        var configuration = AuthConfiguration()
        configuration.register(RegisteredApp(clientID: "cli", clientSecret: "s"))
        configuration.register(RegisteredApp(clientID: "web", clientSecret: "s",
                                             redirectURIs: ["https://app.example/a", "https://app.example/b"]))
        authority = TokenAuthority(configuration: configuration, users: AuthTestUsers())
    }

    private func authorize(_ query: [String: String]) -> AuthorizeOutcome {
        authority.authorize(query: query, as: AuthTestUsers.alice)
    }

    private func redirectParameters(_ outcome: AuthorizeOutcome, file: StaticString = #filePath,
                                    line: UInt = #line) throws -> (base: String, query: [String: String]) {
        guard case let .redirect(location) = outcome, let url = URLComponents(string: location) else {
            XCTFail("expected a redirect, got \(outcome)", file: file, line: line)
            throw CancellationError()
        }
        var base = url
        base.query = nil
        let query = Dictionary((url.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        return (base.string ?? "", query)
    }

    func testApprovalRedirectsWithASingleUseCodeAndTheState() throws {
        let outcome = authorize(["response_type": "code", "client_id": "cli",
                                 "redirect_uri": "http://127.0.0.1:5555/callback?x=1", "state": "a+b&c"])
        let (base, query) = try redirectParameters(outcome)
        XCTAssertEqual(base, "http://127.0.0.1:5555/callback")
        XCTAssertEqual(query["x"], "1")
        XCTAssertEqual(query["state"], "a+b&c")
        let code = try XCTUnwrap(query["code"])
        let form = ["grant_type": "authorization_code", "code": code, "client_id": "cli", "client_secret": "s"]
        XCTAssertEqual(authority.token(form: form, basicCredentials: nil).status, 200)
        assertOAuthError(authority.token(form: form, basicCredentials: nil), "invalid_grant")
    }

    func testUntrustworthyRedirectsGetAnErrorPageNotARedirect() {
        XCTAssertEqual(authorize(["response_type": "code", "client_id": "nobody", "redirect_uri": "http://127.0.0.1/"]),
                       .errorPage(status: 400, error: "invalid_client", description: "The client_id is not valid"))
        // An app without registered URIs accepts loopback ones only.
        guard case .errorPage(400, "redirect_uri_mismatch", _) = authorize(
            ["response_type": "code", "client_id": "cli", "redirect_uri": "https://evil.example/cb"]) else {
            return XCTFail("a non-loopback redirect was accepted")
        }
        guard case .errorPage(400, "redirect_uri_mismatch", _) = authorize(
            ["response_type": "code", "client_id": "web", "redirect_uri": "http://127.0.0.1/"]) else {
            return XCTFail("an unregistered redirect was accepted")
        }
        guard case .errorPage(400, "redirect_uri_missing", _) = authorize(["response_type": "code", "client_id": "web"]) else {
            return XCTFail("an app with two redirect URIs needs redirect_uri")
        }
    }

    func testOtherRefusalsGoBackToTheApp() throws {
        let outcome = authorize(["response_type": "token", "client_id": "web", "redirect_uri": "https://app.example/b",
                                 "state": "s1"])
        let (base, query) = try redirectParameters(outcome)
        XCTAssertEqual(base, "https://app.example/b")
        XCTAssertEqual(query["error"], "unsupported_response_type")
        XCTAssertEqual(query["state"], "s1")
        XCTAssertNil(query["code"])
    }
}
