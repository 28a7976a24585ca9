@testable import BoxFS
import BoxEmulator
import Cache
import Foundation
import XCTest

final class ClientFaultTests: XCTestCase {
    /// Creates folders, uploads, range-reads and lists under `faults`; checks nothing was lost or duplicated.
    private func exercise(_ faults: [String: Any]) async throws -> (stats: ClientStats, recoveredConflicts: Int) {
        let harness = try await ClientHarness.start(client: { $0.maxRetries = 12 })
        let client = harness.client
        let folder = try await client.createFolder(named: "faulty", in: .root)
        let path = try harness.makeFile(size: 300_000)
        let content = try Data(contentsOf: URL(fileURLWithPath: path))
        try await harness.setFaults(faults.merging(["retry_after_seconds": 0]) { a, _ in a })

        var files: [BoxItem] = []
        for i in 0..<6 {
            files.append(try await client.upload(
                name: "f\(i)", parent: folder.id, fileAt: path, size: 300_000, contentModifiedAt: nil))
            _ = try await client.createFolder(named: "d\(i)", in: folder.id)
        }
        for file in files {
            let bytes = try await client.download(file.id, range: 1000...200_999)
            XCTAssertEqual(Data(bytes), content[1000...200_999])
        }
        let listed = try await client.folderItems(folder.id, pageSize: 4)

        try await harness.setFaults(["p429": 0.0, "p5xx": 0.0, "pdrop": 0.0])
        // Every name exactly once: no retried create or upload left a duplicate or a failure behind.
        let expected = ((0..<6).map { "d\($0)" } + (0..<6).map { "f\($0)" }).sorted()
        XCTAssertEqual(listed.map(\.name).sorted(), expected)
        let relisted = try await client.folderItems(folder.id)
        XCTAssertEqual(relisted.map(\.name).sorted(), expected)
        // A 409 on a create or upload here can only come from repeating a request whose answer was lost.
        let conflicts = try await harness.calls("POST /2.0/folders", status: 409)
            + harness.calls("POST /api/2.0/files/content", status: 409)
        let stats = client.stats
        try await harness.stop()
        return (stats, conflicts)
    }

    func testInjected429sAreSurvived() async throws {
        let (stats, _) = try await exercise(["p429": 0.3, "seed": 3])
        XCTAssertGreaterThan(stats.rateLimited, 0)
        XCTAssertGreaterThanOrEqual(stats.retries, stats.rateLimited)
    }

    func testInjected503sAreSurvived() async throws {
        let (stats, _) = try await exercise(["p5xx": 0.3, "seed": 4])
        XCTAssertGreaterThan(stats.serverErrors, 0)
        XCTAssertGreaterThanOrEqual(stats.retries, stats.serverErrors)
    }

    func testDroppedConnectionsAreSurvived() async throws {
        let (stats, recovered) = try await exercise(["pdrop": 0.3, "seed": 5])
        XCTAssertGreaterThan(stats.transportErrors, 0)
        // Some drops hit after a create or upload was done: its repeat met our own item and took it as success.
        XCTAssertGreaterThan(recovered, 0)
        XCTAssertGreaterThanOrEqual(stats.retries, stats.transportErrors)
    }

    func testMixedFaultsAreSurvived() async throws {
        let (stats, _) = try await exercise(["p429": 0.1, "p5xx": 0.1, "pdrop": 0.1, "seed": 6])
        XCTAssertGreaterThan(stats.retries, 0)
    }

    func testRateLimitedToTheEndIsTyped() async throws {
        let harness = try await ClientHarness.start(client: { $0.maxRetries = 2 })
        try await harness.setFaults(["p429": 1.0, "retry_after_seconds": 0])
        await assertBoxError(try await harness.client.folder(.root)) {
            if case .rateLimited = $0 { return true }
            return false
        }
        XCTAssertEqual(harness.client.stats.rateLimited, 3)
        try await harness.stop()
    }

    func testExpiredTokenIsRefreshedOnceAndRetried() async throws {
        let provider = ExpiredFirstTokenProvider(fresh: ClientHarness.token)
        let harness = try await ClientHarness.start(tokens: provider)
        let expired = harness.emulator.issueToken(ttl: -60)
        await provider.handOutFirst(expired)
        let root = try await harness.client.folder(.root)
        XCTAssertEqual(root.id, .root)
        let rejected = await provider.rejected
        XCTAssertEqual(rejected, [expired])
        XCTAssertEqual(harness.client.stats.retries, 1)
        XCTAssertEqual(harness.client.stats.calls[.folder], 2)
        try await harness.stop()
    }

    func testTokenRejectedTwiceIsUnauthorized() async throws {
        let harness = try await ClientHarness.start(tokens: StaticTokenProvider(token: "never-valid"))
        await assertBoxError(try await harness.client.folder(.root)) {
            if case .unauthorized(let challenge) = $0 { return challenge?.contains("invalid_token") == true }
            return false
        }
        XCTAssertEqual(harness.client.stats.calls[.folder], 2)
        try await harness.stop()
    }

    func testRateLimiterAllowsAWindowsWorthAtOnceThenWaitsForTheWindow() async throws {
        // Box's rule on a 1-second window: 5 requests go at once, the next 5 a window later, the next 5 after that.
        let limiter = RateLimiter(callsPerMinute: 5, uploadsPerMinute: 1000, window: .seconds(1))
        let started = ContinuousClock.now
        var starts: [Duration] = []
        for _ in 0..<15 {
            try await limiter.acquire(.general)
            starts.append(ContinuousClock.now - started)
        }
        XCTAssertLessThan(starts[4], .milliseconds(500), "the first window's worth waits for nothing")
        XCTAssertGreaterThanOrEqual(starts[5], .seconds(1))
        XCTAssertGreaterThanOrEqual(starts[10], .seconds(2))
        // The upload budget is separate: it doesn't queue behind the general one.
        let uploadStarted = ContinuousClock.now
        try await limiter.acquire(.upload)
        XCTAssertLessThan(ContinuousClock.now - uploadStarted, .milliseconds(500))
    }

    func testClientSpendsAMinutesBudgetAtOnceWithoutA429() async throws {
        // The emulator enforces Box's sliding minute at 30 calls (a few to spare for the harness's own); a burst of
        // the client's whole 25-call minute goes out at once and meets no 429.
        let harness = try await ClientHarness.start(client: { $0.apiCallsPerMinute = 25 })
        try await harness.setFaults(["rate_limits": true, "rate_limit_calls_per_minute": 30])
        let started = ContinuousClock.now
        for _ in 0..<25 { _ = try await harness.client.folder(.root) }
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(20))
        XCTAssertEqual(harness.client.stats.rateLimited, 0)
        try await harness.stop()
    }
}

/// Hands out an expired token until told it was rejected, then a valid one.
actor ExpiredFirstTokenProvider: AccessTokenProvider {
    private var expired: String?
    private let fresh: String
    private(set) var rejected: [String] = []

    init(fresh: String) {
        self.fresh = fresh
    }

    func handOutFirst(_ token: String) {
        expired = token
    }

    func accessToken() async throws -> String {
        rejected.isEmpty ? (expired ?? fresh) : fresh
    }

    func tokenRejected(_ token: String) async {
        rejected.append(token)
    }
}
