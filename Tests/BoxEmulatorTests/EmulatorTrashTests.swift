@testable import BoxEmulator
import Foundation
import XCTest

final class EmulatorTrashTests: XCTestCase {
    private var emulator: EmulatorHarness!

    override func setUp() async throws { emulator = try await EmulatorHarness.start() }
    override func tearDown() async throws { try await emulator.stop() }

    func testTrashListingRestoreAndPurge() async throws {
        let folder = try await emulator.makeFolder("f")
        let file = try await emulator.makeFile("a.txt", in: folder, content: "abc")
        try await emulator.call(.DELETE, "/2.0/files/\(file)")
        try await emulator.call(.DELETE, "/2.0/folders/\(folder)?recursive=true")

        let trash = try await emulator.call(.GET, "/2.0/folders/trash/items")
        XCTAssertEqual(trash.entries.compactMap { $0["id"] as? String }, [folder, file])
        let inTrash = try await emulator.call(.GET, "/2.0/files/\(file)/trash")
        XCTAssertEqual(inTrash.json["item_status"] as? String, "trashed")
        let notTrashed = try await emulator.call(.GET, "/2.0/folders/0/trash")
        XCTAssertEqual(notTrashed.status, 404)

        let restored = try await emulator.call(.POST, "/2.0/files/\(file)", json: "{}")
        XCTAssertEqual(restored.status, 201)
        XCTAssertEqual((restored.json["parent"] as? [String: Any])?["id"] as? String, "0", "its folder is still trashed")
        let events = try await emulator.call(.GET, "/2.0/events?stream_position=0")
        XCTAssertEqual(events.entries.last?["event_type"] as? String, "ITEM_UNDELETE_VIA_TRASH")

        let purged = try await emulator.call(.DELETE, "/2.0/folders/\(folder)/trash")
        XCTAssertEqual(purged.status, 204)
        let gone = try await emulator.call(.GET, "/2.0/folders/\(folder)/trash")
        XCTAssertEqual(gone.status, 404)
        let empty = try await emulator.call(.GET, "/2.0/folders/trash/items")
        XCTAssertEqual(empty.json["total_count"] as? Int, 0)
    }

    func testKnownPathsWithOtherMethodsAnswer405() async throws {
        let reply = try await emulator.call(.PUT, "/2.0/users/me", json: "{}")
        XCTAssertEqual(reply.status, 405)
        XCTAssertEqual(reply.code, "method_not_allowed")
    }
}
