@testable import BoxEmulator
@testable import BoxFS
import Foundation
import XCTest

/// `boxfs auth check` against the in-process emulator: what it finds, and how it explains Box's refusals.
final class AuthCheckTests: XCTestCase {
    private var harness: AuthEmulatorHarness!

    override func setUp() async throws {
        harness = try await AuthEmulatorHarness.start()
    }

    override func tearDown() async throws {
        try await harness.shutdown()
    }

    private func check(_ lines: String) async throws -> [CredentialCheck.Finding] {
        try await CredentialCheck(configuration: try harness.configuration(lines), http: harness.http,
                                  logger: harness.logger).run()
    }

    private func jwt(_ extra: String = "") throws -> String {
        let config = try harness.writeFile("box_config.json", try harness.jwtConfigJSON())
        return "auth = jwt\njwt_config_file = \(config.path)\n" + extra
    }

    func testAUserWithAccessCanListAndWrite() async throws {
        let findings = try await check(try jwt("user_id = \(EmulatorUsers.defaultUser)\n"))
        XCTAssertEqual(findings.map(\.passed), [true, true, true, true, true], "\(findings)")
        XCTAssertEqual(findings[1].text, "acts as: Ann Admin <ann@example.com>, user 10001, role admin")
        XCTAssertEqual(findings[2].text, "enterprise: Emulated Enterprise (\(EmulatorUsers.enterpriseID))")
        XCTAssertEqual(findings[4].text, "root folder 0: can write (preflight upload accepted)")
    }

    func testAFolderTheServiceAccountCannotSeeIsExplainedAsCollaboration() async throws {
        let findings = try await check(try jwt("root_folder_id = 987654\n"))
        let last = try XCTUnwrap(findings.last)
        XCTAssertFalse(last.passed)
        XCTAssertTrue(last.text.hasPrefix("root folder 987654: cannot list: 404"), last.text)
        XCTAssertTrue(last.text.contains("invite AutomationUser_900001@boxdevedition.com as editor"), last.text)
    }

    func testAsUserWithoutThePermissionNamesTheAppSetting() async throws {
        let findings = try await check(try jwt("user_id = \(EmulatorUsers.secondUser)\nas_user = \(EmulatorUsers.defaultUser)\n"))
        let last = try XCTUnwrap(findings.last)
        XCTAssertFalse(last.passed)
        XCTAssertTrue(last.text.contains("403") && last.text.contains("as-user header"), last.text)
    }

    func testWrongClientSecretAndAnExpiredTokenSayWhatToFix() async throws {
        let secret = try harness.writeFile("secret", "not-the-secret\n")
        let refused = try await check("auth = ccg\nclient_id = \(AuthEmulatorHarness.clientID)\n"
            + "client_secret_file = \(secret.path)\nenterprise_id = \(EmulatorUsers.enterpriseID)\n")
        XCTAssertEqual(refused.count, 1)
        XCTAssertTrue(refused[0].text.contains("invalid_client") && refused[0].text.contains("OAuth 2.0 Credentials"),
                      refused[0].text)

        let token = harness.emulator.issueToken(ttl: 1)
        harness.noteSecret(token)
        try await Task.sleep(nanoseconds: 1_200_000_000)
        let expired = try await check("access_token_file = \(try harness.writeFile("token", token).path)\n")
        let last = try XCTUnwrap(expired.last)
        XCTAssertFalse(last.passed)
        XCTAssertTrue(last.text.contains("401: the access token has expired"), last.text)
    }
}
