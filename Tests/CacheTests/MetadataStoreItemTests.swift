import Foundation
import XCTest
@testable import Cache

final class MetadataStoreItemTests: XCTestCase {
    private let now = Date(timeIntervalSince1970: 1_700_000_000)
    private var store: MetadataStore!

    override func setUpWithError() throws {
        store = try MetadataStore(directory: CacheDirectory(path: makeTemporaryPath()))
    }

    private func file(_ id: ItemID, in parent: ItemID, _ name: String) -> ItemRecord {
        ItemRecord(id: id, parentID: parent, name: name, kind: .file, size: 42, sha1: "abc", etag: "1",
                   fileVersionID: "v1", sequenceID: "1", contentModifiedAt: Timestamp(now), modifiedAt: now,
                   createdAt: now, fetchedAt: now)
    }

    private func folder(_ id: ItemID, in parent: ItemID, _ name: String) -> ItemRecord {
        ItemRecord(id: id, parentID: parent, name: name, kind: .folder, fetchedAt: now)
    }

    func testUpsertAndGetRoundTripsEveryField() throws {
        let record = file("10", in: .root, "Report.PDF")
        try store.upsert(record)
        XCTAssertEqual(try store.item("10"), record)
        XCTAssertNil(try store.item("11"))
    }

    func testContentTimesKeepEveryNanosecond() throws {
        var record = file("10", in: .root, "a.txt")
        record.contentModifiedAt = Timestamp(seconds: 1_700_000_000, nanoseconds: 123_456_789)
        try store.upsert(record)
        XCTAssertEqual(try store.item("10")?.contentModifiedAt, Timestamp(seconds: 1_700_000_000, nanoseconds: 123_456_789))
        // Box's echo in whole seconds keeps the sub-second part set here; another second replaces it.
        record.contentModifiedAt = Timestamp(seconds: 1_700_000_000, nanoseconds: 0)
        try store.upsert(record)
        XCTAssertEqual(try store.item("10")?.contentModifiedAt?.nanoseconds, 123_456_789)
        record.contentModifiedAt = Timestamp(seconds: 1_700_000_001, nanoseconds: 0)
        try store.upsert(record)
        XCTAssertEqual(try store.item("10")?.contentModifiedAt, Timestamp(seconds: 1_700_000_001, nanoseconds: 0))
        // Before 1970 too.
        record.contentModifiedAt = Timestamp(seconds: -2, nanoseconds: 500)
        try store.upsert(record, keepingSubsecondTime: false)
        XCTAssertEqual(try store.item("10")?.contentModifiedAt, Timestamp(seconds: -2, nanoseconds: 500))
    }

    func testConfirmTouchesOnlyARecordStillAtTheEtag() throws {
        var record = file("10", in: .root, "a.txt")
        try store.upsert(record)
        let later = now.addingTimeInterval(60)
        XCTAssertTrue(try store.confirm("10", etag: "1", at: later))
        XCTAssertEqual(try store.item("10")?.fetchedAt, later)
        // A newer version stored meanwhile is not overwritten by a confirmation of the old etag.
        record.etag = "2"
        record.size = 99
        try store.upsert(record)
        XCTAssertFalse(try store.confirm("10", etag: "1", at: later.addingTimeInterval(60)))
        XCTAssertEqual(try store.item("10")?.size, 99)
        XCTAssertEqual(try store.item("10")?.fetchedAt, now)
    }

    func testAVersion1DatabaseIsUpgradedWithItsTimes() throws {
        let path = makeTemporaryPath()
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        do {
            let old = try SQLiteConnection(path: path + "/metadata.sqlite")
            try old.execute(MetadataSchema.createVersion1)
            try old.execute("PRAGMA user_version = 1")
            _ = try old.run("""
                INSERT INTO items (id, parent_id, name, name_key, kind, size, content_modified_at, fetched_at)
                VALUES ('7', '0', 'old.txt', 'old.txt', 'file', 1, 1700000000.5, 1700000000)
                """)
        }
        let upgraded = try MetadataStore(directory: CacheDirectory(path: path))
        XCTAssertEqual(try upgraded.item("7")?.contentModifiedAt, Timestamp(seconds: 1_700_000_000, nanoseconds: 500_000_000))
    }

    func testUpsertUpdatesAnExistingItem() throws {
        try store.upsert(file("10", in: .root, "a.txt"))
        var changed = file("10", in: .root, "a.txt")
        changed.size = 7
        changed.etag = "2"
        try store.upsert(changed)
        XCTAssertEqual(try store.item("10"), changed)
    }

    func testChildLookupIgnoresCaseAndKeepsStoredCase() throws {
        try store.upsert(file("10", in: .root, "Straße Ärger.TXT"))
        XCTAssertEqual(try store.child(of: .root, named: "straße ärger.txt")?.id, "10")
        XCTAssertEqual(try store.child(of: .root, named: "STRASSE ÄRGER.TXT")?.id, nil)
        XCTAssertEqual(try store.child(of: .root, named: "STRAßE ÄRGER.txt")?.name, "Straße Ärger.TXT")
        XCTAssertNil(try store.child(of: "99", named: "straße ärger.txt"))
    }

    func testUpsertReplacesAStaleItemWithTheSameNameIgnoringCase() throws {
        try store.upsert(folder("20", in: .root, "Docs"))
        try store.upsert(file("21", in: "20", "inside"))
        try store.upsert(file("30", in: .root, "docs"))
        XCTAssertEqual(try store.child(of: .root, named: "DOCS")?.id, "30")
        XCTAssertNil(try store.item("20"))
        XCTAssertNil(try store.item("21"), "the stale folder's subtree goes with it")
    }

    func testChildrenOfAFolder() throws {
        try store.upsert([file("1", in: "5", "b"), file("2", in: "5", "A"), file("3", in: "6", "c")])
        XCTAssertEqual(try store.children(of: "5").map(\.id), ["2", "1"])
    }

    func testRemovingAFolderRemovesItsCachedSubtree() throws {
        try store.upsert([folder("20", in: .root, "a"), folder("21", in: "20", "b"), file("22", in: "21", "c"),
                          file("23", in: .root, "keep")])
        try store.replaceListing(of: "21", with: [file("22", in: "21", "c")], at: now)
        try store.remove("20")
        for id: ItemID in ["20", "21", "22"] { XCTAssertNil(try store.item(id)) }
        XCTAssertNil(try store.listingFetchedAt("21"))
        XCTAssertNotNil(try store.item("23"))
    }

    func testMoveAndRenameKeepTheSubtree() throws {
        try store.upsert([folder("20", in: .root, "a"), folder("30", in: .root, "dest"), file("22", in: "20", "c")])
        XCTAssertTrue(try store.move("20", to: "30", name: "Renamed"))
        XCTAssertEqual(try store.child(of: "30", named: "renamed")?.id, "20")
        XCTAssertNil(try store.child(of: .root, named: "a"))
        XCTAssertEqual(try store.children(of: "20").map(\.id), ["22"])
        XCTAssertFalse(try store.move("99", to: "30", name: "x"))
    }

    func testStateValues() throws {
        XCTAssertNil(try store.stateValue(for: .eventStreamPosition))
        try store.setStateValue("1152922976252290886", for: .eventStreamPosition)
        XCTAssertEqual(try store.stateValue(for: .eventStreamPosition), "1152922976252290886")
        try store.setStateValue(nil, for: .eventStreamPosition)
        XCTAssertNil(try store.stateValue(for: .eventStreamPosition))
    }
}
