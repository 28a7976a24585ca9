@testable import BoxFS
import Cache
import Foundation
import XCTest

final class ClientMetadataTests: XCTestCase {
    private var harness: ClientHarness!
    private var client: BoxClient { harness.client }

    override func setUp() async throws {
        harness = try await ClientHarness.start()
    }

    override func tearDown() async throws {
        try await harness.stop()
    }

    func testCurrentUserReportsQuotaAndUploadLimit() async throws {
        let user = try await client.currentUser()
        XCTAssertFalse(user.id.isEmpty)
        XCTAssertGreaterThan(user.spaceAmount, 0)
        XCTAssertGreaterThan(user.maxUploadSize, 0)
        let before = user.spaceUsed
        _ = try await client.upload(
            name: "q.bin", parent: .root, fileAt: try harness.makeFile(size: 5000), size: 5000, contentModifiedAt: nil)
        let after = try await client.currentUser().spaceUsed
        XCTAssertEqual(after - before, 5000)
    }

    func testRootFolderAndCreatedFolder() async throws {
        let root = try await client.folder(.root)
        XCTAssertEqual(root.id, .root)
        XCTAssertEqual(root.kind, .folder)
        XCTAssertNil(root.parentID)

        let docs = try await client.createFolder(named: "docs", in: .root)
        XCTAssertEqual(docs.name, "docs")
        XCTAssertEqual(docs.parentID, .root)
        XCTAssertNotNil(docs.etag)
        XCTAssertNotNil(docs.createdAt)
        let fetched = try await client.folder(docs.id)
        XCTAssertEqual(fetched.id, docs.id)
        XCTAssertEqual(fetched.name, "docs")
    }

    func testListingFollowsMarkersOverSeveralPages() async throws {
        let folder = try await client.createFolder(named: "many", in: .root)
        for i in 0..<23 {
            _ = try await client.createFolder(named: "sub\(i)", in: folder.id)
        }
        try await harness.resetStats()
        let items = try await client.folderItems(folder.id, pageSize: 10)
        XCTAssertEqual(items.count, 23)
        XCTAssertEqual(Set(items.map(\.name)), Set((0..<23).map { "sub\($0)" }))
        XCTAssertTrue(items.allSatisfy { $0.kind == .folder && $0.parentID == folder.id })
        let pages = try await harness.calls("GET /2.0/folders/{id}/items")
        XCTAssertEqual(pages, 3)
    }

    func testListingOfMoreThanOneFullPage() async throws {
        let big = try await ClientHarness.start(configure: { $0.seedBigFolder = 1500 })
        let rootItems = try await big.client.folderItems(.root)
        let folder = try XCTUnwrap(rootItems.first { $0.name == "big" })
        try await big.resetStats()
        let items = try await big.client.folderItems(folder.id)
        XCTAssertEqual(items.count, 1500)
        XCTAssertEqual(Set(items.map(\.id)).count, 1500)
        XCTAssertTrue(items.allSatisfy { $0.kind == .file && $0.sha1 != nil && $0.fileVersionID != nil })
        let pages = try await big.calls("GET /2.0/folders/{id}/items")
        XCTAssertEqual(pages, 2)
        try await big.stop()
    }

    func testFolderNameConflictCarriesTheExistingFolder() async throws {
        let first = try await client.createFolder(named: "Same", in: .root)
        await assertBoxError(try await self.client.createFolder(named: "same", in: .root)) { error in
            guard case .nameConflict(let existing?, let body) = error else { return false }
            return existing.id == first.id && existing.kind == .folder && body?.code == "item_name_in_use"
        }
    }

    func testRenameMoveAndModificationTime() async throws {
        let a = try await client.createFolder(named: "a", in: .root)
        let b = try await client.createFolder(named: "b", in: .root)
        let path = try harness.makeFile(size: 100)
        let file = try await client.upload(name: "f.txt", parent: a.id, fileAt: path, size: 100, contentModifiedAt: nil)
        let mtime = Date(timeIntervalSince1970: 1_700_000_000)
        let moved = try await client.update(
            file.id, kind: .file, name: "g.txt", parent: b.id, contentModifiedAt: mtime, ifMatch: file.etag)
        XCTAssertEqual(moved.name, "g.txt")
        XCTAssertEqual(moved.parentID, b.id)
        XCTAssertEqual(moved.contentModifiedAt, mtime)
        let renamedFolder = try await client.update(a.id, kind: .folder, name: "a2")
        XCTAssertEqual(renamedFolder.name, "a2")
        let refetched = try await client.file(file.id)
        XCTAssertEqual(refetched.name, "g.txt")
    }

    func testStaleETagIsPreconditionFailed() async throws {
        let path = try harness.makeFile(size: 10)
        let file = try await client.upload(name: "e.txt", parent: .root, fileAt: path, size: 10, contentModifiedAt: nil)
        let renamed = try await client.update(file.id, kind: .file, name: "e2.txt")
        XCTAssertNotEqual(renamed.etag, file.etag)
        await assertBoxError(try await self.client.update(file.id, kind: .file, name: "e3.txt", ifMatch: file.etag)) {
            if case .preconditionFailed = $0 { return true }
            return false
        }
        await assertBoxError(try await self.client.delete(file.id, kind: .file, ifMatch: file.etag)) {
            if case .preconditionFailed = $0 { return true }
            return false
        }
        try await client.delete(file.id, kind: .file, ifMatch: renamed.etag)
    }

    func testDeleteFileAndNonEmptyFolder() async throws {
        let folder = try await client.createFolder(named: "gone", in: .root)
        _ = try await client.createFolder(named: "child", in: folder.id)
        let path = try harness.makeFile(size: 10)
        let file = try await client.upload(name: "x", parent: .root, fileAt: path, size: 10, contentModifiedAt: nil)
        try await client.delete(folder.id, kind: .folder)
        try await client.delete(file.id, kind: .file)
        await assertBoxError(try await self.client.folder(folder.id)) {
            if case .notFound = $0 { return true }
            return false
        }
        await assertBoxError(try await self.client.file(file.id)) {
            if case .notFound = $0 { return true }
            return false
        }
        let names = try await client.folderItems(.root).map(\.name)
        XCTAssertFalse(names.contains("gone"))
        XCTAssertFalse(names.contains("x"))
    }

    func testPreflightReportsConflictWithExistingFileAndHash() async throws {
        let path = try harness.makeFile(size: 64)
        let file = try await client.upload(name: "p.bin", parent: .root, fileAt: path, size: 64, contentModifiedAt: nil)
        try await client.preflight(name: "other.bin", parent: .root, size: 64)
        await assertBoxError(try await self.client.preflight(name: "P.BIN", parent: .root, size: 64)) { error in
            guard case .nameConflict(let existing?, _) = error else { return false }
            return existing.id == file.id && existing.kind == .file && existing.sha1 == file.sha1
        }
        await assertBoxError(try await self.client.preflight(name: "bad/name", parent: .root, size: 1)) {
            if case .nameInvalid(false, _) = $0 { return true }
            return false
        }
    }

    func testUnknownItemIsNotFound() async throws {
        await assertBoxError(try await self.client.file("987654321")) {
            if case .notFound(let body) = $0 { return body?.code == "not_found" }
            return false
        }
    }
}
