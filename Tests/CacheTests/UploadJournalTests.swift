import Foundation
import XCTest
@testable import Cache

final class UploadJournalTests: XCTestCase {
    private let then = Date(timeIntervalSince1970: 1_700_000_000)

    func testAddGetUpdateRemove() throws {
        let store = try MetadataStore(directory: CacheDirectory(path: makeTemporaryPath()))
        let added = try store.addUpload(stagingPath: "/s/1", target: .newFile(parent: "9", name: "new.bin"),
                                        size: 30_000_000, mtimeNanoseconds: 1_700_000_000_123_456_789, at: then)
        XCTAssertEqual(added.state, .pending)
        XCTAssertEqual(try store.upload(added.id), added)

        var changed = added
        changed.state = .uploading
        changed.session = ChunkedUploadSession(id: "S1", endpointsJSON: #"{"commit":"http://x/commit"}"#)
        changed.partsDoneJSON = #"[{"part_id":"A","offset":0}]"#
        changed.attempts = 2
        changed.lastError = "503"
        let later = then.addingTimeInterval(5)
        let stored = try XCTUnwrap(try store.updateUpload(changed, at: later))
        XCTAssertEqual(stored.updatedAt, later)
        XCTAssertEqual(try store.upload(added.id), stored)

        try store.removeUpload(added.id)
        XCTAssertNil(try store.upload(added.id))
        XCTAssertNil(try store.updateUpload(changed, at: later))
        XCTAssertEqual(try store.uploads(), [])
    }

    func testNewVersionTargetKeepsTheBaseETag() throws {
        let store = try MetadataStore(directory: CacheDirectory(path: makeTemporaryPath()))
        let target = UploadTarget.newVersion(of: "1001", baseETag: "3")
        let added = try store.addUpload(stagingPath: "/s/2", target: target, size: 5, mtimeNanoseconds: 7, at: then)
        XCTAssertEqual(try store.upload(added.id)?.target, target)

        var retargeted = added
        retargeted.target = .newFile(parent: "0", name: "copy")
        try store.updateUpload(retargeted, at: then)
        XCTAssertEqual(try store.upload(added.id)?.target, .newFile(parent: "0", name: "copy"))
    }

    func testJournalSurvivesReopenInOrder() throws {
        let path = makeTemporaryPath()
        var added: [UploadJournalEntry] = []
        do {
            let store = try MetadataStore(directory: CacheDirectory(path: path))
            for n in 0..<3 {
                added.append(try store.addUpload(stagingPath: "/s/\(n)", target: .newFile(parent: "0", name: "f\(n)"),
                                                 size: Int64(n), mtimeNanoseconds: 0, at: then))
            }
            var failed = added[1]
            failed.state = .failed
            added[1] = try XCTUnwrap(try store.updateUpload(failed, at: then))
        }
        let store = try MetadataStore(directory: CacheDirectory(path: path))
        XCTAssertEqual(try store.uploads(), added)
    }

    func testTakeOverMakesANewFileTheNextVersionOfTheOneItReplaces() throws {
        let store = try MetadataStore(directory: CacheDirectory(path: makeTemporaryPath()))
        try store.upsert(ItemRecord(id: "500", parentID: .root, name: "doc.txt", kind: .file, size: 9, etag: "4", fetchedAt: then))
        try store.upsert(ItemRecord(id: "pending-7", parentID: "0", name: ".doc.txt.AbC123", kind: .file, size: 3, fetchedAt: then))
        let oldInode = try store.inode(for: "500")
        let newInode = try store.inode(for: "pending-7")
        let upload = try store.addUpload(stagingPath: "/s/7", target: .newFile(parent: "0", name: ".doc.txt.AbC123"),
                                         size: 3, mtimeNanoseconds: 1, at: then)
        let other = try store.addUpload(stagingPath: "/s/8", target: .newFile(parent: "0", name: "other.txt"),
                                        size: 1, mtimeNanoseconds: 1, at: then)

        try store.takeOver("500", baseETag: "4", by: "pending-7", from: ("0", ".doc.txt.AbC123"), to: "0", name: "doc.txt")

        XCTAssertEqual(try store.upload(upload.id)?.target, .newVersion(of: "500", baseETag: "4"))
        XCTAssertEqual(try store.upload(other.id)?.target, .newFile(parent: "0", name: "other.txt"))
        XCTAssertEqual(try store.itemID(for: newInode), "500")
        XCTAssertNil(try store.itemID(for: oldInode))
        let record = try XCTUnwrap(try store.child(of: "0", named: "doc.txt"))
        XCTAssertEqual(record.id, "500")
        XCTAssertEqual(record.size, 3)
        XCTAssertNil(try store.item("pending-7"))
        XCTAssertNil(try store.child(of: "0", named: ".doc.txt.AbC123"))
    }
}
