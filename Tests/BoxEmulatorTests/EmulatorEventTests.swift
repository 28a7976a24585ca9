@testable import BoxEmulator
import Foundation
import XCTest

final class EmulatorEventTests: XCTestCase {
    private var emulator: EmulatorHarness!

    override func setUp() async throws {
        emulator = try await EmulatorHarness.start { $0.longPollTimeout = 1 }
    }

    override func tearDown() async throws { try await emulator.stop() }

    private func position() async throws -> Int {
        let now = try await emulator.call(.GET, "/2.0/events?stream_position=now&stream_type=changes")
        XCTAssertEqual(now.json["chunk_size"] as? Int, 0)
        return try XCTUnwrap(now.json["next_stream_position"] as? Int)
    }

    func testEveryMutationIsAnEventWithItsSource() async throws {
        let start = try await position()
        let folder = try await emulator.makeFolder("f")
        let file = try await emulator.makeFile("a.txt", in: folder, content: "1")
        try await emulator.upload(name: "a.txt", content: Data("2".utf8), to: file)
        try await emulator.call(.PUT, "/2.0/files/\(file)", json: #"{"name":"b.txt"}"#)
        try await emulator.call(.PUT, "/2.0/files/\(file)", json: #"{"parent":{"id":"0"}}"#)
        try await emulator.call(.DELETE, "/2.0/files/\(file)")

        let page = try await emulator.call(.GET, "/2.0/events?stream_type=changes&stream_position=\(start)&limit=3")
        XCTAssertEqual(page.json["chunk_size"] as? Int, 3)
        let next = try XCTUnwrap(page.json["next_stream_position"] as? Int)
        let rest = try await emulator.call(.GET, "/2.0/events?stream_type=changes&stream_position=\(next)")
        let events = page.entries + rest.entries
        XCTAssertEqual(events.map { $0["event_type"] as? String },
                       ["ITEM_CREATE", "ITEM_UPLOAD", "ITEM_UPLOAD", "ITEM_RENAME", "ITEM_MOVE", "ITEM_TRASH"])
        let last = try XCTUnwrap(events.last?["source"] as? [String: Any])
        XCTAssertEqual(last["id"] as? String, file)
        XCTAssertEqual(last["item_status"] as? String, "trashed")
        XCTAssertNotNil(events.first?["event_id"] as? String)
        let after = try await emulator.call(.GET, "/2.0/events?stream_position=\(try XCTUnwrap(rest.json["next_stream_position"] as? Int))")
        XCTAssertEqual(after.json["chunk_size"] as? Int, 0)
    }

    func testLongPollWakesOnAChangeAndOtherwiseSaysReconnect() async throws {
        let options = try await emulator.call(.OPTIONS, "/2.0/events")
        let server = try XCTUnwrap(options.entries.first)
        XCTAssertEqual(server["type"] as? String, "realtime_server")
        let url = try XCTUnwrap(server["url"] as? String)
        let start = try await position()

        let idle = try await emulator.call(.GET, url + "&stream_position=\(start)", token: nil)
        XCTAssertEqual(idle.json["message"] as? String, "reconnect")

        let emulator = emulator!
        async let woken = emulator.call(.GET, url + "&stream_position=\(start)", token: nil)
        try await Task.sleep(for: .milliseconds(200))
        _ = try await emulator.makeFolder("wake")
        let answer = try await woken
        XCTAssertEqual(answer.json["message"] as? String, "new_change")

        let already = try await emulator.call(.GET, url + "&stream_position=\(start)", token: nil)
        XCTAssertEqual(already.json["message"] as? String, "new_change", "a change past the position answers at once")
    }
}
