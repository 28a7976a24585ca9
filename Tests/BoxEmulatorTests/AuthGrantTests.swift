@testable import BoxEmulator
import Foundation
import XCTest

/// The authorization-code, refresh, client-credentials and revoke paths of `TokenAuthority`, and token expiry.
final class AuthGrantTests: XCTestCase {
    private let clock = AuthTestClock()
    private var authority: TokenAuthority!

    override func setUp() {
        var configuration = AuthConfiguration(accessTokenLifetime: 5)
        configuration.register(RegisteredApp(clientID: "app", clientSecret: "s3cret", enterpriseID: AuthTestUsers.enterpriseID))
        configuration.register(RegisteredApp(clientID: "other", clientSecret: "x"))
        let clock = clock
        authority = TokenAuthority(configuration: configuration, users: AuthTestUsers(), clock: { clock.now })
    }

    private func post(_ form: [String: String], basic: (id: String, secret: String)? = nil) -> OAuthResponse {
        authority.token(form: form, basicCredentials: basic)
    }

    private func login() throws -> (access: String, refresh: String) {
        let code = try authority.issueAuthorizationCode(for: AuthTestUsers.alice, clientID: "app")
        let body = oauthJSON(post(["grant_type": "authorization_code", "code": code,
                                   "client_id": "app", "client_secret": "s3cret"]))
        return (try XCTUnwrap(body["access_token"] as? String), try XCTUnwrap(body["refresh_token"] as? String))
    }

    func testStaticTokensAuthenticateAndOthersAreRefused() {
        authority.registerStaticToken("dev", for: AuthTestUsers.alice)
        XCTAssertEqual(authority.authenticate(bearerToken: "dev"), .success(AuthTestUsers.alice))
        XCTAssertEqual(authority.authenticate(bearerToken: "nope"), .failure(.unknown))
        XCTAssertEqual(authority.authenticate(bearerToken: nil), .failure(.missing))
        XCTAssertEqual(authority.authenticate(bearerToken: ""), .failure(.missing))
    }

    func testAuthorizationCodeGivesAPairInBoxShapeAndIsSingleUse() throws {
        let code = try authority.issueAuthorizationCode(for: AuthTestUsers.alice, clientID: "app")
        let form = ["grant_type": "authorization_code", "code": code, "client_id": "app", "client_secret": "s3cret"]
        let response = post(form)
        XCTAssertEqual(response.status, 200)
        let body = oauthJSON(response)
        XCTAssertEqual(body["token_type"] as? String, "bearer")
        XCTAssertEqual(body["expires_in"] as? Int, 5)
        XCTAssertEqual(body["issued_token_type"] as? String, "urn:ietf:params:oauth:token-type:access_token")
        XCTAssertEqual((body["restricted_to"] as? [Any])?.count, 0)
        let access = try XCTUnwrap(body["access_token"] as? String)
        XCTAssertNotNil(body["refresh_token"] as? String)
        XCTAssertEqual(authority.authenticate(bearerToken: access), .success(AuthTestUsers.alice))
        assertOAuthError(post(form), "invalid_grant", descriptionContains: "Auth code")
    }

    func testAuthorizationCodeIsBoundToItsClientAndExpires() throws {
        let foreign = try authority.issueAuthorizationCode(for: AuthTestUsers.alice, clientID: "other")
        assertOAuthError(post(["grant_type": "authorization_code", "code": foreign,
                               "client_id": "app", "client_secret": "s3cret"]), "invalid_grant")
        let late = try authority.issueAuthorizationCode(for: AuthTestUsers.alice, clientID: "app")
        clock.advance(31)
        assertOAuthError(post(["grant_type": "authorization_code", "code": late,
                               "client_id": "app", "client_secret": "s3cret"]), "invalid_grant")
        XCTAssertThrowsError(try authority.issueAuthorizationCode(for: UserID("404"), clientID: "app"))
        XCTAssertThrowsError(try authority.issueAuthorizationCode(for: AuthTestUsers.alice, clientID: "ghost"))
    }

    func testRefreshTokensRotateAndASpentOneIsRefused() throws {
        let first = try login()
        let form = { (token: String) in
            ["grant_type": "refresh_token", "refresh_token": token, "client_id": "app", "client_secret": "s3cret"]
        }
        let rotated = oauthJSON(post(form(first.refresh)))
        let second = try XCTUnwrap(rotated["refresh_token"] as? String)
        XCTAssertNotEqual(second, first.refresh)
        let access = try XCTUnwrap(rotated["access_token"] as? String)
        XCTAssertEqual(authority.authenticate(bearerToken: access), .success(AuthTestUsers.alice))

        assertOAuthError(post(form(first.refresh)), "invalid_grant", descriptionContains: "Invalid refresh token")
        XCTAssertEqual(post(form(second)).status, 200)
    }

    func testRefreshTokenBelongsToItsClient() throws {
        let pair = try login()
        assertOAuthError(post(["grant_type": "refresh_token", "refresh_token": pair.refresh,
                               "client_id": "other", "client_secret": "x"]), "invalid_grant")
        XCTAssertEqual(post(["grant_type": "refresh_token", "refresh_token": pair.refresh,
                             "client_id": "app", "client_secret": "s3cret"]).status, 200,
                       "another client's attempt did not spend the token")
    }

    func testAccessTokensExpireAfterTheConfiguredLifetime() throws {
        let pair = try login()
        clock.advance(4.9)
        XCTAssertEqual(authority.authenticate(bearerToken: pair.access), .success(AuthTestUsers.alice))
        clock.advance(0.2)
        XCTAssertEqual(authority.authenticate(bearerToken: pair.access), .failure(.expired))
    }

    func testClientCredentialsMayComeAsHTTPBasicAndAreChecked() throws {
        let code = try authority.issueAuthorizationCode(for: AuthTestUsers.alice, clientID: "app")
        XCTAssertEqual(post(["grant_type": "authorization_code", "code": code], basic: ("app", "s3cret")).status, 200)
        assertOAuthError(post(["grant_type": "refresh_token", "refresh_token": "r"], basic: ("app", "wrong")),
                         "invalid_client", descriptionContains: "client credentials are invalid")
        assertOAuthError(post(["grant_type": "refresh_token", "refresh_token": "r"]), "invalid_client")
    }

    func testClientCredentialsGrantForEnterpriseAndUser() throws {
        let base = ["grant_type": "client_credentials", "client_id": "app", "client_secret": "s3cret"]
        let enterprise = oauthJSON(post(base.merging(["box_subject_type": "enterprise",
                                                      "box_subject_id": AuthTestUsers.enterpriseID]) { $1 }))
        XCTAssertNil(enterprise["refresh_token"])
        let serviceToken = try XCTUnwrap(enterprise["access_token"] as? String)
        XCTAssertEqual(authority.authenticate(bearerToken: serviceToken), .success(AuthTestUsers.serviceAccount))

        let user = oauthJSON(post(base.merging(["box_subject_type": "user", "box_subject_id": "77"]) { $1 }))
        let userToken = try XCTUnwrap(user["access_token"] as? String)
        XCTAssertEqual(authority.authenticate(bearerToken: userToken), .success(AuthTestUsers.alice))

        for (type, id) in [("enterprise", "1234"), ("user", "404"), ("group", "77")] {
            assertOAuthError(post(base.merging(["box_subject_type": type, "box_subject_id": id]) { $1 }),
                             "invalid_grant", descriptionContains: "Grant credentials are invalid")
        }
        assertOAuthError(post(base), "invalid_grant")
    }

    func testRevokingEitherTokenOfALoginEndsTheSession() throws {
        let pair = try login()
        let revoke = authority.revoke(form: ["token": pair.refresh, "client_id": "app", "client_secret": "s3cret"],
                                      basicCredentials: nil)
        XCTAssertEqual(revoke.status, 200)
        XCTAssertTrue(revoke.json.isEmpty)
        XCTAssertEqual(authority.authenticate(bearerToken: pair.access), .failure(.revoked))
        assertOAuthError(post(["grant_type": "refresh_token", "refresh_token": pair.refresh,
                               "client_id": "app", "client_secret": "s3cret"]), "invalid_grant")

        let other = try login()
        _ = authority.revoke(form: ["token": other.access], basicCredentials: ("app", "s3cret"))
        assertOAuthError(post(["grant_type": "refresh_token", "refresh_token": other.refresh,
                               "client_id": "app", "client_secret": "s3cret"]), "invalid_grant")
    }

    func testRevokeNeedsClientCredentialsAndAToken() {
        assertOAuthError(authority.revoke(form: ["token": "t"], basicCredentials: nil), "invalid_client")
        assertOAuthError(authority.revoke(form: [:], basicCredentials: ("app", "s3cret")), "invalid_request")
        XCTAssertEqual(authority.revoke(form: ["token": "unknown"], basicCredentials: ("app", "s3cret")).status, 200)
    }

    func testMissingOrUnknownGrantType() {
        assertOAuthError(post(["client_id": "app", "client_secret": "s3cret"]), "invalid_request")
        assertOAuthError(post(["grant_type": "password", "client_id": "app", "client_secret": "s3cret"]),
                         "unsupported_grant_type")
    }
}
