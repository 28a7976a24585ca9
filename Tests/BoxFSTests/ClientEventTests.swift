@testable import BoxFS
import Cache
import Foundation
import XCTest

final class ClientEventTests: XCTestCase {
    private var harness: ClientHarness!
    private var client: BoxClient { harness.client }

    override func setUp() async throws {
        harness = try await ClientHarness.start(configure: { $0.longPollTimeout = 2 })
    }

    override func tearDown() async throws {
        try await harness.stop()
    }

    func testEventsAfterNowShowMutations() async throws {
        let start = try await client.events(from: .now)
        XCTAssertTrue(start.entries.isEmpty)
        let folder = try await client.createFolder(named: "ev", in: .root)
        _ = try await client.update(folder.id, kind: .folder, name: "ev2")

        var position = start.nextStreamPosition
        var events: [BoxEvent] = []
        while true {
            let page = try await client.events(from: position, limit: 1)
            position = page.nextStreamPosition
            if page.entries.isEmpty { break }
            events += page.entries
        }
        let types = events.filter { $0.source?.id == folder.id }.map(\.type)
        XCTAssertTrue(types.contains("ITEM_CREATE"), "\(types)")
        XCTAssertTrue(types.contains("ITEM_RENAME"), "\(types)")
        XCTAssertEqual(events.last { $0.source?.id == folder.id }?.source?.name, "ev2")
    }

    func testLongPollAnnouncesAChange() async throws {
        let position = try await client.events(from: .now).nextStreamPosition
        let server = try await client.longPollServer()
        let client = self.client
        async let outcome = client.waitForChange(on: server, after: position)
        try await Task.sleep(for: .milliseconds(300))
        _ = try await client.createFolder(named: "poke", in: .root)
        let result = try await outcome
        XCTAssertEqual(result, .newChange)
    }

    func testLongPollWithoutChangesEnds() async throws {
        let position = try await client.events(from: .now).nextStreamPosition
        let server = try await client.longPollServer()
        let result = try await client.waitForChange(on: server, after: position)
        XCTAssertTrue(result == .reconnect || result == .timeout, "\(result)")
    }
}
