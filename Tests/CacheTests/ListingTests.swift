import Foundation
import XCTest
@testable import Cache

final class ListingTests: XCTestCase {
    private let then = Date(timeIntervalSince1970: 1_700_000_000)
    private var store: MetadataStore!

    override func setUpWithError() throws {
        store = try MetadataStore(directory: CacheDirectory(path: makeTemporaryPath()))
    }

    private func entry(_ id: String, _ name: String, in folder: ItemID = "9", kind: ItemKind = .file) -> ItemRecord {
        ItemRecord(id: ItemID(id), parentID: folder, name: name, kind: kind, size: 1, fetchedAt: then)
    }

    func testListingIsIncompleteUntilReplaced() throws {
        try store.upsert(entry("1", "a"))
        XCTAssertNil(try store.listingFetchedAt("9"))
        try store.replaceListing(of: "9", with: [entry("1", "a")], at: then)
        XCTAssertEqual(try store.listingFetchedAt("9"), then)
    }

    func testReplaceListingRemovesVanishedChildrenAndTheirSubtrees() throws {
        try store.replaceListing(of: "9", with: [entry("1", "a"), entry("2", "gone", kind: .folder)], at: then)
        try store.upsert(entry("3", "deep", in: "2"))
        let later = then.addingTimeInterval(60)
        try store.replaceListing(of: "9", with: [entry("1", "a-renamed"), entry("4", "new")], at: later)

        XCTAssertEqual(try store.children(of: "9").map(\.name), ["a-renamed", "new"])
        XCTAssertNil(try store.item("2"))
        XCTAssertNil(try store.item("3"))
        XCTAssertEqual(try store.listingFetchedAt("9"), later)
    }

    func testReplacingWithAnEmptyListingEmptiesTheFolder() throws {
        try store.replaceListing(of: "9", with: [entry("1", "a")], at: then)
        try store.replaceListing(of: "9", with: [], at: then)
        XCTAssertEqual(try store.children(of: "9"), [])
        XCTAssertNotNil(try store.listingFetchedAt("9"))
    }

    func testGenerationChangesWithListingsAndItemsOnly() throws {
        try store.replaceListing(of: "9", with: [entry("1", "a")], at: then)
        var generation = try store.childrenSnapshot(of: "9").generation  // after allocating the children's inodes
        XCTAssertEqual(store.generation, generation)
        // The events position (stored after every page of events) and the upload journal change no listing.
        try store.setStateValue("42", for: .eventStreamPosition)
        let upload = try store.addUpload(stagingPath: "/s/1", target: .newFile(parent: "9", name: "b"), size: 1,
                                         mtimeNanoseconds: 1, at: then)
        try store.removeUpload(upload.id)
        XCTAssertEqual(store.generation, generation)
        XCTAssertEqual(try store.childrenSnapshot(of: "9").generation, generation)
        try store.upsert(entry("2", "b"))
        XCTAssertNotEqual(store.generation, generation)
        generation = store.generation
        try store.invalidateListing("9")
        XCTAssertNotEqual(store.generation, generation)
    }

    func testInvalidateListingKeepsChildren() throws {
        try store.replaceListing(of: "9", with: [entry("1", "a")], at: then)
        try store.invalidateListing("9")
        XCTAssertNil(try store.listingFetchedAt("9"))
        XCTAssertEqual(try store.children(of: "9").map(\.id), ["1"])
    }

    /// Timings are printed, not asserted: they depend on the machine.
    func testLargeFolderTimings() throws {
        let entries = (0..<10_000).map { entry("\(100_000 + $0)", "file-\($0).dat") }
        let replaceStart = Date()
        try store.replaceListing(of: "9", with: entries, at: then)
        let replaceTime = Date().timeIntervalSince(replaceStart)

        let listStart = Date()
        let children = try store.children(of: "9")
        let listTime = Date().timeIntervalSince(listStart)

        let again = Date()
        try store.replaceListing(of: "9", with: entries, at: then)
        let replaceAgainTime = Date().timeIntervalSince(again)

        XCTAssertEqual(children.count, 10_000)
        print(String(format: "replaceListing(10,000): %.1f ms, again: %.1f ms; children(of:) 10,000: %.1f ms",
                     replaceTime * 1000, replaceAgainTime * 1000, listTime * 1000))
    }
}
