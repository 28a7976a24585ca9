@testable import BoxEmulator
@testable import BoxFS
import Foundation
import XCTest

/// `as_user` given as a login: resolved to an id among the enterprise's users, exactly, and refused clearly.
final class AuthAsUserTests: XCTestCase {
    private var harness: AuthEmulatorHarness!

    override func setUp() async throws {
        harness = try await AuthEmulatorHarness.start()
    }

    override func tearDown() async throws {
        try await harness.shutdown()
    }

    private func resolve(_ asUser: String, as provider: any AccessTokenProvider) async throws -> String {
        try await AsUserResolver.userID(for: asUser, apiURL: URL(string: harness.emulator.apiURL)!, tokens: provider,
                                        http: harness.http)
    }

    func testAServiceAccountResolvesALoginExactlyAndActsAsThatUser() async throws {
        let config = try harness.writeFile("box_config.json", try harness.jwtConfigJSON())
        let provider = try harness.provider("auth = jwt\njwt_config_file = \(config.path)\n")
        let id = try await resolve("Bob@Example.com", as: provider)
        XCTAssertEqual(id, EmulatorUsers.secondUser.rawValue)
        let actingUser = try await harness.user(for: provider, asUser: id)
        XCTAssertEqual(actingUser, EmulatorUsers.secondUser.rawValue)
        // filter_term matches prefixes; a prefix of a login is not a login.
        do {
            _ = try await resolve("bob@example", as: provider)
            XCTFail("a login prefix was resolved")
        } catch let failure as AsUserResolver.Failure {
            XCTAssertTrue(failure.description.contains("no user of the enterprise has this login"), failure.description)
        }
        let unchanged = try await resolve("10001", as: provider)
        XCTAssertEqual(unchanged, "10001", "an id needs no call")
    }

    func testAnOrdinaryUserCannotListTheEnterpriseAndIsToldWhatToDo() async throws {
        let config = try harness.writeFile("box_config.json", try harness.jwtConfigJSON())
        let bob = try harness.provider("auth = jwt\njwt_config_file = \(config.path)\nuser_id = \(EmulatorUsers.secondUser)\n")
        do {
            _ = try await resolve("ann@example.com", as: bob)
            XCTFail("an ordinary user listed the enterprise's users")
        } catch let failure as AsUserResolver.Failure {
            XCTAssertTrue(failure.description.contains("Manage users"), failure.description)
        }
    }
}
