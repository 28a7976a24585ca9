@testable import BoxEmulator
@testable import BoxFS
import Foundation
import XCTest

/// JWT and Client Credentials providers against the in-process emulator, through the real Box client.
final class AuthServerProviderTests: XCTestCase {
    private var harness: AuthEmulatorHarness!

    override func setUp() async throws {
        harness = try await AuthEmulatorHarness.start()
    }

    override func tearDown() async throws {
        try await harness.shutdown()
    }

    func testJWTFromBoxAppConfigWithEncryptedKeyActsAsTheServiceAccount() async throws {
        let config = try harness.writeFile("box_config.json", try harness.jwtConfigJSON())
        let provider = try harness.provider("auth = jwt\njwt_config_file = \(config.path)\n")
        let user = try await harness.user(for: provider)
        XCTAssertEqual(user, EmulatorUsers.serviceAccount.rawValue)
    }

    func testJWTForAUserAndAsUser() async throws {
        let config = try harness.writeFile("box_config.json", try harness.jwtConfigJSON())
        let asSecond = try harness.provider("auth = jwt\njwt_config_file = \(config.path)\nuser_id = \(EmulatorUsers.secondUser)\n")
        let user = try await harness.user(for: asSecond)
        XCTAssertEqual(user, EmulatorUsers.secondUser.rawValue)
        let admin = try harness.provider("auth = jwt\njwt_config_file = \(config.path)\nuser_id = \(EmulatorUsers.defaultUser)\n")
        let actingUser = try await harness.user(for: admin, asUser: EmulatorUsers.secondUser.rawValue)
        XCTAssertEqual(actingUser, EmulatorUsers.secondUser.rawValue)
    }

    func testJWTFromSeparateSettings() async throws {
        let keyFile = try harness.writeFile("key.pem", try AuthTestKeys.shared().encryptedPrivateKeyPEM)
        let passphraseFile = try harness.writeFile("passphrase", AuthEmulatorHarness.passphrase + "\n")
        let secretFile = try harness.writeFile("secret", AuthEmulatorHarness.clientSecret)
        let provider = try harness.provider("""
        auth = jwt
        client_id = \(AuthEmulatorHarness.clientID)
        client_secret_file = \(secretFile.path)
        jwt_public_key_id = \(AuthEmulatorHarness.publicKeyID)
        jwt_private_key_file = \(keyFile.path)
        jwt_passphrase_file = \(passphraseFile.path)
        enterprise_id = \(EmulatorUsers.enterpriseID)

        """)
        let user = try await harness.user(for: provider)
        XCTAssertEqual(user, EmulatorUsers.serviceAccount.rawValue)
    }

    func testJWTRefusedByBoxSaysWhy() async throws {
        let config = try harness.writeFile("box_config.json", try harness.jwtConfigJSON(enterpriseID: "424242"))
        let provider = try harness.provider("auth = jwt\njwt_config_file = \(config.path)\n")
        do {
            _ = try await provider.accessToken()
            XCTFail("a token for a foreign enterprise")
        } catch let error as AuthError {
            guard case let .grantRefused(code, description) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(code, "invalid_grant")
            XCTAssertTrue(description.contains("'sub'"), description)
        }
    }

    func testAClockBehindBoxIsCorrectedFromTheServersDate() async throws {
        let config = try harness.writeFile("box_config.json", try harness.jwtConfigJSON())
        let app = try JWTAppCredentials.load(configFile: config)
        // Five minutes slow: the first assertion has already expired by Box's clock.
        let provider = JWTTokenProvider(tokenURL: harness.tokenURL, app: app, subject: .enterprise(EmulatorUsers.enterpriseID),
                                        http: harness.http, logger: harness.logger, clock: { Date() - 300 })
        let token = try await provider.accessToken()
        harness.noteSecret(token)
        XCTAssertEqual(harness.emulator.authority.authenticate(bearerToken: token), .success(EmulatorUsers.serviceAccount))
        XCTAssertTrue(harness.logs.lines.contains { $0.contains("retrying with the server's clock") })
    }

    func testClientCredentialsForEnterpriseAndUser() async throws {
        let base = "auth = ccg\nclient_id = \(AuthEmulatorHarness.clientID)\nclient_secret = \(AuthEmulatorHarness.clientSecret)\n"
        let enterprise = try harness.provider(base + "enterprise_id = \(EmulatorUsers.enterpriseID)\n")
        let serviceUser = try await harness.user(for: enterprise)
        XCTAssertEqual(serviceUser, EmulatorUsers.serviceAccount.rawValue)
        let user = try harness.provider(base + "user_id = \(EmulatorUsers.secondUser)\n")
        let secondUser = try await harness.user(for: user)
        XCTAssertEqual(secondUser, EmulatorUsers.secondUser.rawValue)
    }

    func testRejectedTokenIsReplacedAndStaleReportsAreIgnored() async throws {
        let provider = try harness.provider("auth = ccg\nclient_id = \(AuthEmulatorHarness.clientID)\n"
            + "client_secret = \(AuthEmulatorHarness.clientSecret)\nenterprise_id = \(EmulatorUsers.enterpriseID)\n")
        let first = try await provider.accessToken()
        let again = try await provider.accessToken()
        XCTAssertEqual(first, again, "a valid token is reused, not re-granted")
        await provider.tokenRejected(first)
        let second = try await provider.accessToken()
        XCTAssertNotEqual(second, first)
        await provider.tokenRejected(first)
        let third = try await provider.accessToken()
        XCTAssertEqual(third, second, "a report about a replaced token changes nothing")
    }
}
