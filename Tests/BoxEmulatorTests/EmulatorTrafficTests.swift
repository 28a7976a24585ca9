import AsyncHTTPClient
@testable import BoxEmulator
import Foundation
import XCTest

/// Stats, injected faults and rate limits.
final class EmulatorTrafficTests: XCTestCase {
    private var emulator: EmulatorHarness!

    override func setUp() async throws { emulator = try await EmulatorHarness.start() }
    override func tearDown() async throws { try await emulator.stop() }

    private func route(_ name: String) async throws -> [String: Any] {
        let routes = try await emulator.stats()["routes"] as? [String: Any]
        return try XCTUnwrap(routes?[name] as? [String: Any], name)
    }

    func testStatsCountByRouteTemplateAndIgnoreAdminCalls() async throws {
        let folder = try await emulator.makeFolder("s")
        try await emulator.call(.GET, "/2.0/folders/\(folder)/items")
        try await emulator.call(.GET, "/2.0/folders/0/items")
        try await emulator.call(.GET, "/2.0/folders/424242/items")
        let items = try await route("GET /2.0/folders/{id}/items")
        XCTAssertEqual(items["count"] as? Int, 3)
        XCTAssertEqual((items["statuses"] as? [String: Any])?["404"] as? Int, 1)
        XCTAssertGreaterThan(items["bytes_out"] as? Int ?? 0, 0)
        let create = try await route("POST /2.0/folders")
        XCTAssertGreaterThan(create["bytes_in"] as? Int ?? 0, 0)
        let stats = try await emulator.stats()
        let totals = try XCTUnwrap(stats["totals"] as? [String: Any])
        XCTAssertEqual(totals["count"] as? Int, 4, "admin calls are not counted")
        XCTAssertEqual(totals["api_calls"] as? Int, 4)

        try await emulator.call(.POST, "/_emulator/stats/reset", token: nil)
        let afterReset = try await emulator.stats()
        let reset = try XCTUnwrap(afterReset["totals"] as? [String: Any])
        XCTAssertEqual(reset["count"] as? Int, 0)
    }

    func testInjected429And503AreRepeatableUnderASeed() async throws {
        try await emulator.setFaults(#"{"p429":1,"retry_after_seconds":3}"#)
        let limited = try await emulator.call(.GET, "/2.0/users/me")
        XCTAssertEqual(limited.status, 429)
        XCTAssertEqual(limited.code, "rate_limit_exceeded")
        XCTAssertEqual(limited.header("Retry-After"), "3")

        try await emulator.setFaults(#"{"p429":0,"p5xx":0.5,"seed":42}"#)
        var first: [Int] = []
        for _ in 0..<20 { first.append(try await emulator.call(.GET, "/2.0/users/me").status) }
        XCTAssertTrue(first.contains(503) && first.contains(200))
        try await emulator.setFaults(#"{"seed":42}"#)
        var second: [Int] = []
        for _ in 0..<20 { second.append(try await emulator.call(.GET, "/2.0/users/me").status) }
        XCTAssertEqual(first, second)

        let faults = try await emulator.call(.GET, "/_emulator/faults", token: nil)
        XCTAssertEqual(faults.json["p5xx"] as? Double, 0.5)
    }

    func testChangingOtherFaultsKeepsTheRandomSequenceGoing() async throws {
        try await emulator.setFaults(#"{"p5xx":0.5,"seed":7}"#)
        var reference: [Int] = []
        for _ in 0..<20 { reference.append(try await emulator.call(.GET, "/2.0/users/me").status) }
        XCTAssertNotEqual(reference[..<10], reference[10...], "a restarted sequence must be told from a continued one")

        // The same seed again, with a latency toggle after every ten calls: the draws must continue, not restart.
        try await emulator.setFaults(#"{"seed":7}"#)
        var toggled: [Int] = []
        for round in 0..<2 {
            for _ in 0..<10 { toggled.append(try await emulator.call(.GET, "/2.0/users/me").status) }
            try await emulator.setFaults(round == 0 ? #"{"latency_ms":1}"# : #"{"latency_ms":0}"#)
        }
        XCTAssertEqual(toggled, reference)
    }

    func testDroppedConnectionsFailTheRequest() async throws {
        try await emulator.setFaults(#"{"pdrop":1}"#)
        for _ in 0..<4 {
            do {
                let reply = try await emulator.call(.GET, "/2.0/folders/0")
                XCTFail("expected a dropped connection, got \(reply.status) with \(reply.body.count) bytes")
            } catch {}
        }
        try await emulator.setFaults(#"{"pdrop":0}"#)
        let ok = try await emulator.call(.GET, "/2.0/folders/0")
        XCTAssertEqual(ok.status, 200)
        let drops = (try await route("GET /2.0/folders/{id}")["statuses"] as? [String: Any])?["drop"] as? Int
        XCTAssertEqual(drops, 4)
    }

    func testRateLimitsRefuseCallsBeyondTheMinuteBudget() async throws {
        try await emulator.setFaults(#"{"rate_limits":true,"rate_limit_calls_per_minute":5,"rate_limit_uploads_per_minute":1}"#)
        var statuses: [Int] = []
        for _ in 0..<7 { statuses.append(try await emulator.call(.GET, "/2.0/users/me").status) }
        XCTAssertEqual(statuses, [200, 200, 200, 200, 200, 429, 429])
        let limited = try await emulator.call(.GET, "/2.0/users/me")
        XCTAssertGreaterThanOrEqual(Int(limited.header("Retry-After") ?? "") ?? 0, 1)

        let firstUpload = try await emulator.upload(name: "a.txt", content: Data("a".utf8))
        XCTAssertEqual(firstUpload.status, 201, "uploads have their own budget")
        let secondUpload = try await emulator.upload(name: "b.txt", content: Data("b".utf8))
        XCTAssertEqual(secondUpload.status, 429)

        let otherUser = emulator.server.issueToken(for: EmulatorUsers.secondUser)
        let other = try await emulator.call(.GET, "/2.0/users/me", token: otherUser)
        XCTAssertEqual(other.status, 200, "limits are per user")

        let reset = try await emulator.call(.POST, "/_emulator/rate-limits/reset", token: nil)
        XCTAssertEqual(reset.status, 204)
        let afterReset = try await emulator.call(.GET, "/2.0/users/me")
        XCTAssertEqual(afterReset.status, 200, "a fresh minute's budget")
        let thirdUpload = try await emulator.upload(name: "c.txt", content: Data("c".utf8))
        XCTAssertEqual(thirdUpload.status, 201)
        let fourthUpload = try await emulator.upload(name: "d.txt", content: Data("d".utf8))
        XCTAssertEqual(fourthUpload.status, 429, "still limited")
    }

    func testLatencyDelaysAnswers() async throws {
        try await emulator.setFaults(#"{"latency_ms":300}"#)
        let start = ContinuousClock.now
        try await emulator.call(.GET, "/2.0/users/me")
        XCTAssertGreaterThanOrEqual(ContinuousClock.now - start, .milliseconds(300))
    }

    func testSlowAnswersAreHeldAfterTheChangeIsMade() async throws {
        let folder = try await emulator.makeFolder("before")
        try await emulator.setFaults(#"{"slow_answers_route":"PUT /2.0/folders/{id}","slow_answers_count":1,"slow_answers_ms":1500}"#)
        let start = ContinuousClock.now
        let rename = Task { [emulator] in try await emulator!.call(.PUT, "/2.0/folders/\(folder)", json: #"{"name":"after"}"#) }
        try await Task.sleep(for: .milliseconds(200))
        let meanwhile = try await emulator.call(.GET, "/2.0/folders/\(folder)")
        XCTAssertEqual(meanwhile.json["name"] as? String, "after", "the change is made before the answer is held")
        let answered = try await rename.value
        XCTAssertEqual(answered.status, 200)
        XCTAssertGreaterThanOrEqual(ContinuousClock.now - start, .milliseconds(1500))
        let second = ContinuousClock.now
        try await emulator.call(.PUT, "/2.0/folders/\(folder)", json: #"{"name":"again"}"#)
        XCTAssertLessThan(ContinuousClock.now - second, .milliseconds(1500), "only the first answer was held")
    }

    func testAdminIssuesTokensForAnyUser() async throws {
        let issued = try await emulator.call(.POST, "/_emulator/users/\(EmulatorUsers.secondUser.rawValue)/tokens?ttl=60", token: nil)
        XCTAssertEqual(issued.status, 201)
        let token = try XCTUnwrap(issued.json["access_token"] as? String)
        let me = try await emulator.call(.GET, "/2.0/users/me", token: token)
        XCTAssertEqual(me.json["id"] as? String, EmulatorUsers.secondUser.rawValue)
    }
}
