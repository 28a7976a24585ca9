import XCTest
@testable import Cache

final class InodeMapTests: XCTestCase {
    func testRootFolderIsInodeOne() throws {
        let store = try MetadataStore(directory: CacheDirectory(path: makeTemporaryPath()))
        XCTAssertEqual(try store.inode(for: .root), 1)
        XCTAssertEqual(try store.itemID(for: 1), .root)
    }

    func testConfiguredRootFolderIsInodeOne() throws {
        let store = try MetadataStore(directory: CacheDirectory(path: makeTemporaryPath()), rootFolderID: "777")
        XCTAssertEqual(try store.inode(for: "777"), 1)
        XCTAssertGreaterThanOrEqual(try store.inode(for: .root), 2)
    }

    func testInodesAreAllocatedFromTwoAndAreStable() throws {
        let store = try MetadataStore(directory: CacheDirectory(path: makeTemporaryPath()))
        let a = try store.inode(for: "100")
        let b = try store.inode(for: "200")
        XCTAssertGreaterThanOrEqual(a, 2)
        XCTAssertNotEqual(a, b)
        XCTAssertEqual(try store.inode(for: "100"), a)
        XCTAssertEqual(try store.itemID(for: b), "200")
        XCTAssertNil(try store.itemID(for: 999_999))
        XCTAssertNil(try store.itemID(for: .max))
    }

    func testInodesSurviveReopen() throws {
        let path = makeTemporaryPath()
        var assigned: [ItemID: Inode] = [:]
        do {
            let store = try MetadataStore(directory: CacheDirectory(path: path))
            for n in 0..<50 { assigned[ItemID("\(1000 + n)")] = try store.inode(for: ItemID("\(1000 + n)")) }
        }
        let store = try MetadataStore(directory: CacheDirectory(path: path))
        for (id, inode) in assigned {
            XCTAssertEqual(try store.inode(for: id), inode)
            XCTAssertEqual(try store.itemID(for: inode), id)
        }
        XCTAssertFalse(assigned.values.contains(try store.inode(for: "new")))
    }

    func testInodeIsNotReusedAfterTheItemIsRemoved() throws {
        let store = try MetadataStore(directory: CacheDirectory(path: makeTemporaryPath()))
        try store.upsert(ItemRecord(id: "5", parentID: .root, name: "x", kind: .file, fetchedAt: Date()))
        let inode = try store.inode(for: "5")
        try store.remove("5")
        XCTAssertNotEqual(try store.inode(for: "6"), inode)
        XCTAssertEqual(try store.inode(for: "5"), inode)
    }

    func testChangingTheRootFolderMovesInodeOne() throws {
        let path = makeTemporaryPath()
        let oldRootInode: Inode
        do {
            let store = try MetadataStore(directory: CacheDirectory(path: path))
            oldRootInode = try store.inode(for: "42")
        }
        let store = try MetadataStore(directory: CacheDirectory(path: path), rootFolderID: "42")
        XCTAssertEqual(try store.inode(for: "42"), 1)
        XCTAssertEqual(try store.itemID(for: 1), "42")
        XCTAssertNil(try store.itemID(for: oldRootInode), "the number is retired, not given to another id")
        let formerRoot = try store.inode(for: .root)
        XCTAssertNotEqual(formerRoot, 1)
        XCTAssertNotEqual(formerRoot, oldRootInode)
    }
}

extension InodeMapTests {
    func testRekeyKeepsTheInodeAndTheRecord() throws {
        let store = try MetadataStore(directory: CacheDirectory(path: makeTemporaryPath()))
        let now = Date()
        try store.upsert(ItemRecord(id: "pending-1", parentID: .root, name: "new.txt", kind: .file, size: 3, fetchedAt: now))
        let inode = try store.inode(for: "pending-1")
        try store.rekey("pending-1", to: "4711")
        XCTAssertEqual(try store.inode(for: "4711"), inode)
        XCTAssertEqual(try store.itemID(for: inode), "4711")
        XCTAssertEqual(try store.child(of: .root, named: "NEW.txt")?.id, "4711")
        XCTAssertNil(try store.item("pending-1"))
    }
}
