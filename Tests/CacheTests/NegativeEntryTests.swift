import Foundation
import XCTest
@testable import Cache

final class NegativeEntryTests: XCTestCase {
    private let then = Date(timeIntervalSince1970: 1_700_000_000)
    private var store: MetadataStore!

    override func setUpWithError() throws {
        store = try MetadataStore(directory: CacheDirectory(path: makeTemporaryPath()))
    }

    func testAbsenceIsRecordedPerFolderIgnoringCase() throws {
        XCTAssertNil(try store.absenceRecordedAt(of: "Missing.txt", in: "9"))
        try store.recordAbsence(of: "Missing.txt", in: "9", at: then)
        XCTAssertEqual(try store.absenceRecordedAt(of: "missing.TXT", in: "9"), then)
        XCTAssertNil(try store.absenceRecordedAt(of: "Missing.txt", in: "8"))
    }

    func testUpsertOfThatNameClearsTheAbsence() throws {
        try store.recordAbsence(of: "Missing.txt", in: "9", at: then)
        try store.upsert(ItemRecord(id: "1", parentID: "9", name: "MISSING.txt", kind: .file, fetchedAt: then))
        XCTAssertNil(try store.absenceRecordedAt(of: "Missing.txt", in: "9"))
    }

    func testMoveIntoThatNameClearsTheAbsence() throws {
        try store.upsert(ItemRecord(id: "1", parentID: "8", name: "x", kind: .file, fetchedAt: then))
        try store.recordAbsence(of: "y", in: "9", at: then)
        try store.move("1", to: "9", name: "y")
        XCTAssertNil(try store.absenceRecordedAt(of: "y", in: "9"))
    }

    func testInvalidatingTheListingClearsAbsences() throws {
        try store.recordAbsence(of: "a", in: "9", at: then)
        try store.invalidateListing("9")
        XCTAssertNil(try store.absenceRecordedAt(of: "a", in: "9"))
    }
}
