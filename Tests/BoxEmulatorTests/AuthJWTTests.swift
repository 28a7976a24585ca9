@testable import BoxEmulator
import Foundation
import XCTest

/// The JWT bearer grant: signature against the app's registered key, and Box's claim rules.
final class AuthJWTTests: XCTestCase {
    private static var keys: AuthTestKeyPair!
    private static var strangerKeys: AuthTestKeyPair!
    private let clock = AuthTestClock()
    private var authority: TokenAuthority!

    override class func setUp() {
        // Key generation is the slow part; one pair per class run.
        keys = try? AuthTestKeyPair.generate()
        strangerKeys = try? AuthTestKeyPair.generate()
    }

    override class func tearDown() {
        for pair in [keys, strangerKeys].compactMap({ $0 }) { try? FileManager.default.removeItem(at: pair.directory) }
    }

    override func setUpWithError() throws {
        let keys = try XCTUnwrap(Self.keys)
        var configuration = AuthConfiguration(accessTokenLifetime: 60)
        configuration.register(RegisteredApp(clientID: "jwtapp", clientSecret: "sec",
                                             publicKeys: ["k1": try RSAPublicKey(pem: keys.publicKeyPEM)],
                                             enterpriseID: AuthTestUsers.enterpriseID))
        let clock = clock
        authority = TokenAuthority(configuration: configuration, users: AuthTestUsers(), clock: { clock.now })
    }

    private func claims(_ overrides: [String: Any] = [:]) -> [String: Any] {
        let base: [String: Any] = [
            "iss": "jwtapp", "sub": AuthTestUsers.enterpriseID, "box_sub_type": "enterprise",
            "aud": "https://api.box.com/oauth2/token", "jti": UUID().uuidString,
            "exp": Int(clock.now.timeIntervalSince1970) + 45,
        ]
        return base.merging(overrides) { $1 }
    }

    private func exchange(_ claims: [String: Any], header: [String: Any] = ["alg": "RS256", "typ": "JWT", "kid": "k1"],
                          signedBy signer: AuthTestKeyPair? = nil) throws -> OAuthResponse {
        let assertion = try (signer ?? Self.keys).jwt(header: header, claims: claims)
        return exchange(assertion: assertion)
    }

    private func exchange(assertion: String) -> OAuthResponse {
        authority.token(form: ["grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion,
                               "client_id": "jwtapp", "client_secret": "sec"], basicCredentials: nil)
    }

    func testValidAssertionGivesAServiceAccountTokenWithoutRefreshToken() throws {
        let response = try exchange(claims())
        XCTAssertEqual(response.status, 200)
        let body = oauthJSON(response)
        XCTAssertNil(body["refresh_token"])
        XCTAssertEqual(body["expires_in"] as? Int, 60)
        let token = try XCTUnwrap(body["access_token"] as? String)
        XCTAssertEqual(authority.authenticate(bearerToken: token), .success(AuthTestUsers.serviceAccount))
    }

    func testUserSubjectAndAKeyChosenWithoutKid() throws {
        let body = oauthJSON(try exchange(claims(["sub": "77", "box_sub_type": "user"]), header: ["alg": "RS256"]))
        let token = try XCTUnwrap(body["access_token"] as? String)
        XCTAssertEqual(authority.authenticate(bearerToken: token), .success(AuthTestUsers.alice))
    }

    func testReplayedJTIIsRefused() throws {
        let replayed = claims()
        XCTAssertEqual(try exchange(replayed).status, 200)
        assertOAuthError(try exchange(replayed), "invalid_grant", descriptionContains: "'jti'")
    }

    func testJTILengthIsChecked() throws {
        assertOAuthError(try exchange(claims(["jti": "short"])), "invalid_grant", descriptionContains: "'jti'")
        assertOAuthError(try exchange(claims(["jti": String(repeating: "x", count: 129)])), "invalid_grant",
                         descriptionContains: "'jti'")
    }

    func testSignatureFromAnotherKeyOrTamperedClaimsIsRefused() throws {
        assertOAuthError(try exchange(claims(), signedBy: Self.strangerKeys), "invalid_grant",
                         descriptionContains: "Signature verification")
        let good = try Self.keys.jwt(header: ["alg": "RS256", "kid": "k1"], claims: claims())
        let parts = good.split(separator: ".").map(String.init)
        let forged = try AuthTestKeyPair.segment(claims(["sub": "77", "box_sub_type": "user"]))
        assertOAuthError(exchange(assertion: [parts[0], forged, parts[2]].joined(separator: ".")), "invalid_grant",
                         descriptionContains: "Signature verification")
    }

    func testUnknownKidAndUnsupportedAlgorithm() throws {
        assertOAuthError(try exchange(claims(), header: ["alg": "RS256", "kid": "k2"]), "invalid_grant",
                         descriptionContains: "'kid'")
        assertOAuthError(try exchange(claims(), header: ["alg": "HS256", "kid": "k1"]), "invalid_grant",
                         descriptionContains: "'alg'")
        assertOAuthError(exchange(assertion: "not.a.jwt"), "invalid_grant")
    }

    func testAudienceMustBeTheTokenURLAsAString() throws {
        assertOAuthError(try exchange(claims(["aud": ["https://api.box.com/oauth2/token"]])), "invalid_grant",
                         descriptionContains: "Should be a string")
        for wrong in ["https://example.com/oauth2/token", "http://127.0.0.1:1/2.0/oauth2/token", "token"] {
            assertOAuthError(try exchange(claims(["aud": wrong])), "invalid_grant", descriptionContains: "'aud'")
        }
        XCTAssertEqual(try exchange(claims(["aud": "http://127.0.0.1:8080/oauth2/token"])).status, 200, "its own")
        authority.acceptAudience("https://box.test/oauth2/token")
        XCTAssertEqual(try exchange(claims(["aud": "https://box.test/oauth2/token"])).status, 200)
    }

    func testExpiryMustBeInTheFutureAndAtMostSixtySecondsAhead() throws {
        let now = Int(clock.now.timeIntervalSince1970)
        assertOAuthError(try exchange(claims(["exp": now - 1])), "invalid_grant", descriptionContains: "'exp'")
        assertOAuthError(try exchange(claims(["exp": now + 61])), "invalid_grant",
                         descriptionContains: "exceeds the maximum value of 60 seconds")
        assertOAuthError(try exchange(claims(["exp": "soon"])), "invalid_grant", descriptionContains: "'exp'")
        XCTAssertEqual(try exchange(claims(["exp": now + 60])).status, 200)
    }

    func testIssuerAndSubjectAreChecked() throws {
        assertOAuthError(try exchange(claims(["iss": "someone"])), "invalid_grant", descriptionContains: "'iss'")
        assertOAuthError(try exchange(claims(["sub": "1"])), "invalid_grant", descriptionContains: "'sub'")
        assertOAuthError(try exchange(claims(["sub": "404", "box_sub_type": "user"])), "invalid_grant")
        assertOAuthError(try exchange(claims(["box_sub_type": "group"])), "invalid_grant")
    }

    func testPublicKeyMustBeAnRSAPEM() throws {
        XCTAssertThrowsError(try RSAPublicKey(pem: "hello")) { XCTAssertEqual($0 as? PublicKeyError, .notAPublicKeyPEM) }
        let ecKey = Self.keys.directory.appendingPathComponent("ec.pem").path
        try AuthTestKeyPair.openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", ecKey])
        let ecPublic = try AuthTestKeyPair.openssl(["pkey", "-in", ecKey, "-pubout"])
        XCTAssertThrowsError(try RSAPublicKey(pem: String(decoding: ecPublic, as: UTF8.self))) {
            XCTAssertEqual($0 as? PublicKeyError, .notRSA)
        }
    }
}
