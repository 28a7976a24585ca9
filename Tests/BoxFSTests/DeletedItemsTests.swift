import Cache
import Foundation
import XCTest
@testable import BoxFS

final class DeletedItemsTests: XCTestCase {
    private func record(_ id: String, sequence: String?) -> ItemRecord {
        ItemRecord(id: ItemID(id), parentID: ItemID("0"), name: "f", kind: .file, sequenceID: sequence, fetchedAt: Date())
    }

    func testEventsNoNewerThanTheDeleteAreOldNews() {
        let deleted = DeletedItems()
        deleted.deleted(record("7", sequence: "5"))
        XCTAssertTrue(deleted.isOldNews(ItemID("7"), sequenceID: "3"), "an upload before the delete")
        XCTAssertTrue(deleted.isOldNews(ItemID("7"), sequenceID: "5"))
        XCTAssertFalse(deleted.isOldNews(ItemID("7"), sequenceID: "6"), "a restore from the trash is newer")
        XCTAssertFalse(deleted.isOldNews(ItemID("8"), sequenceID: "1"), "an item never deleted here")
        XCTAssertFalse(deleted.isOldNews(ItemID("7"), sequenceID: nil))
    }

    func testItemsWithoutASequenceAndTheOldestPastCapacityAreNotRemembered() {
        let deleted = DeletedItems(capacity: 2)
        deleted.deleted(record("1", sequence: nil))
        XCTAssertFalse(deleted.isOldNews(ItemID("1"), sequenceID: "1"))
        deleted.deleted(record("2", sequence: "4"))
        deleted.deleted(record("3", sequence: "4"))
        deleted.deleted(record("4", sequence: "4"))
        XCTAssertFalse(deleted.isOldNews(ItemID("2"), sequenceID: "1"), "dropped past capacity")
        XCTAssertTrue(deleted.isOldNews(ItemID("3"), sequenceID: "1"))
        XCTAssertTrue(deleted.isOldNews(ItemID("4"), sequenceID: "4"))
    }
}
