@testable import BoxEmulator
@testable import BoxFS
import Foundation
import XCTest

/// The OAuth provider: rotation persisted before use, proactive refresh, single flight, an unsaved rotation kept.
final class AuthOAuthRefreshTests: XCTestCase {
    private var harness: AuthEmulatorHarness!

    override func setUp() async throws {
        harness = try await AuthEmulatorHarness.start(tokenLifetime: 2)
    }

    override func tearDown() async throws {
        try await harness.shutdown()
    }

    /// A store seeded with just a refresh token (as a user pastes one), and the provider reading it.
    private func seededProvider() async throws -> (provider: any AccessTokenProvider, store: URL, seed: String) {
        let pair = try await harness.login(as: EmulatorUsers.secondUser)
        let store = try harness.writeFile("oauth.json", pair.refresh + "\n")
        let provider = try harness.provider("auth = oauth\nclient_id = \(AuthEmulatorHarness.clientID)\n"
            + "client_secret = \(AuthEmulatorHarness.clientSecret)\nrefresh_token_file = \(store.path)\n")
        return (provider, store, pair.refresh)
    }

    private func storedRefreshToken(_ store: URL) throws -> String {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: store)) as? [String: Any]
        let token = try XCTUnwrap(object?["refresh_token"] as? String)
        harness.noteSecret(token)
        return token
    }

    func testRotationIsPersistedPrivatelyAndTheSpentTokenIsRefused() async throws {
        let (provider, store, seed) = try await seededProvider()
        let user = try await harness.user(for: provider)
        XCTAssertEqual(user, EmulatorUsers.secondUser.rawValue)

        let stored = try storedRefreshToken(store)
        XCTAssertNotEqual(stored, seed)
        let mode = try FileManager.default.attributesOfItem(atPath: store.path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
        let reuse = try await harness.postToken(["grant_type": "refresh_token", "refresh_token": seed])
        XCTAssertEqual(reuse.status, 400)
        XCTAssertEqual(reuse.json["error"] as? String, "invalid_grant")
        let stillValid = try await harness.postToken(["grant_type": "refresh_token", "refresh_token": stored])
        XCTAssertEqual(stillValid.status, 200, "the stored token is the live one")
    }

    func testTokensAreRefreshedBeforeTheyExpire() async throws {
        let (provider, store, _) = try await seededProvider()
        let first = try await provider.accessToken()
        let firstRefresh = try storedRefreshToken(store)
        try await Task.sleep(nanoseconds: 1_700_000_000)
        let second = try await provider.accessToken()
        XCTAssertNotEqual(second, first, "refreshed inside the last quarter of a 2 s lifetime")
        XCTAssertNotEqual(try storedRefreshToken(store), firstRefresh)
        XCTAssertEqual(harness.emulator.authority.authenticate(bearerToken: second), .success(EmulatorUsers.secondUser))
    }

    func testARestartReusesTheStoredAccessTokenWithoutSpendingTheRefreshToken() async throws {
        let (provider, store, _) = try await seededProvider()
        let token = try await provider.accessToken()
        let refresh = try storedRefreshToken(store)
        let restarted = try harness.provider("auth = oauth\nclient_id = \(AuthEmulatorHarness.clientID)\n"
            + "client_secret = \(AuthEmulatorHarness.clientSecret)\nrefresh_token_file = \(store.path)\n")
        let again = try await restarted.accessToken()
        XCTAssertEqual(again, token)
        XCTAssertEqual(try storedRefreshToken(store), refresh)
    }

    func testConcurrentCallersShareOneRefresh() async throws {
        let (provider, _, _) = try await seededProvider()
        // Were two refreshes sent, the second would spend an already spent refresh token and fail.
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0 ..< 32 { group.addTask { try await provider.accessToken() } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        XCTAssertEqual(tokens.count, 1)
    }

    func testAnUnsavedRotationIsKeptAndSavedBeforeUse() async throws {
        let (provider, store, seed) = try await seededProvider()
        // A directory where the temporary file would go makes the save fail after Box has rotated the token.
        let blocker = URL(fileURLWithPath: store.path + ".tmp-\(getpid())")
        try FileManager.default.createDirectory(at: blocker, withIntermediateDirectories: false)
        do {
            _ = try await provider.accessToken()
            XCTFail("handed out a token whose refresh token was not saved")
        } catch let error as AuthError {
            guard case .tokenStoreWriteFailed = error else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try String(contentsOf: store, encoding: .utf8), seed + "\n")

        try FileManager.default.removeItem(at: blocker)
        let token = try await provider.accessToken()
        let stored = try storedRefreshToken(store)
        XCTAssertNotEqual(stored, seed)
        XCTAssertEqual(harness.emulator.authority.authenticate(bearerToken: token), .success(EmulatorUsers.secondUser))
        let live = try await harness.postToken(["grant_type": "refresh_token", "refresh_token": stored])
        XCTAssertEqual(live.status, 200, "the saved token is the one rotated while saving failed")
    }

    func testARevokedLoginSaysSo() async throws {
        let (provider, _, seed) = try await seededProvider()
        let revoked = harness.emulator.authority.revoke(
            form: ["token": seed, "client_id": AuthEmulatorHarness.clientID,
                   "client_secret": AuthEmulatorHarness.clientSecret], basicCredentials: nil)
        XCTAssertEqual(revoked.status, 200)
        do {
            _ = try await provider.accessToken()
            XCTFail("refreshed a revoked login")
        } catch let error as AuthError {
            XCTAssertEqual(error, .grantRefused(error: "invalid_grant", description: "Invalid refresh token"))
        }
    }
}
