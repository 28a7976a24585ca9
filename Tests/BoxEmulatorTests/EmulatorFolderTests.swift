@testable import BoxEmulator
import Foundation
import XCTest

final class EmulatorFolderTests: XCTestCase {
    private var emulator: EmulatorHarness!

    override func setUp() async throws { emulator = try await EmulatorHarness.start() }
    override func tearDown() async throws { try await emulator.stop() }

    func testUsersMeKeepsSpaceUsedTrue() async throws {
        let before = try await emulator.call(.GET, "/2.0/users/me")
        XCTAssertEqual(before.status, 200)
        XCTAssertEqual(before.json["id"] as? String, EmulatorUsers.defaultUser.rawValue)
        XCTAssertEqual(before.json["space_used"] as? Int, 0)
        XCTAssertNotNil(before.json["max_upload_size"] as? Int)
        _ = try await emulator.makeFile("a.txt", content: "12345")
        let after = try await emulator.call(.GET, "/2.0/users/me")
        XCTAssertEqual(after.json["space_used"] as? Int, 5)
    }

    func testRootFolderAndFieldsReplaceTheStandardSet() async throws {
        let root = try await emulator.call(.GET, "/2.0/folders/0")
        XCTAssertEqual(root.json["id"] as? String, "0")
        XCTAssertEqual(root.json["name"] as? String, "All Files")
        XCTAssertTrue(root.json["etag"] is NSNull)
        let id = try await emulator.makeFolder("docs")
        let some = try await emulator.call(.GET, "/2.0/folders/\(id)?fields=name,size")
        XCTAssertEqual(Set(some.json.keys), ["type", "id", "etag", "name", "size"])
    }

    func testIfNoneMatchGives304AndIfMatchGives412() async throws {
        let id = try await emulator.makeFolder("docs")
        let folder = try await emulator.call(.GET, "/2.0/folders/\(id)")
        let etag = try XCTUnwrap(folder.json["etag"] as? String)
        let same = try await emulator.call(.GET, "/2.0/folders/\(id)", headers: [("If-None-Match", etag)])
        XCTAssertEqual(same.status, 304)
        XCTAssertTrue(same.body.isEmpty)
        let renamed = try await emulator.call(.PUT, "/2.0/folders/\(id)", json: #"{"name":"docs2"}"#, headers: [("If-Match", etag)])
        XCTAssertEqual(renamed.status, 200)
        XCTAssertNotEqual(renamed.json["etag"] as? String, etag)
        let stale = try await emulator.call(.PUT, "/2.0/folders/\(id)", json: #"{"name":"docs3"}"#, headers: [("If-Match", etag)])
        XCTAssertEqual(stale.status, 412)
        XCTAssertEqual(stale.code, "precondition_failed")
        let changed = try await emulator.call(.GET, "/2.0/folders/\(id)", headers: [("If-None-Match", etag)])
        XCTAssertEqual(changed.status, 200)
    }

    func testCaseInsensitiveConflictListsTheExistingFolder() async throws {
        let id = try await emulator.makeFolder("Docs")
        let clash = try await emulator.call(.POST, "/2.0/folders", json: #"{"name":"dOCS","parent":{"id":"0"}}"#)
        XCTAssertEqual(clash.status, 409)
        XCTAssertEqual(clash.code, "item_name_in_use")
        let conflicts = try XCTUnwrap((clash.json["context_info"] as? [String: Any])?["conflicts"] as? [[String: Any]])
        XCTAssertEqual(conflicts.first?["id"] as? String, id)
        XCTAssertNotNil(clash.json["request_id"] as? String)
    }

    func testInvalidNamesAreRefused() async throws {
        for (name, code) in [("a/b", "item_name_invalid"), ("..", "item_name_invalid"), ("trailing ", "item_name_invalid"),
                             ("tab\\tname", "item_name_invalid"), (String(repeating: "x", count: 256), "item_name_too_long")] {
            let reply = try await emulator.call(.POST, "/2.0/folders", json: #"{"name":"\#(name)","parent":{"id":"0"}}"#)
            XCTAssertEqual(reply.status, 400, name)
            XCTAssertEqual(reply.code, code, name)
        }
        let leading = try await emulator.call(.POST, "/2.0/folders", json: #"{"name":" leading","parent":{"id":"0"}}"#)
        XCTAssertEqual(leading.status, 201, "Box accepts leading spaces")
    }

    func testMoveRenameCopyAndCycles() async throws {
        let a = try await emulator.makeFolder("a")
        let b = try await emulator.makeFolder("b")
        _ = try await emulator.makeFile("f.txt", in: a, content: "x")
        let moved = try await emulator.call(.PUT, "/2.0/folders/\(a)", json: #"{"parent":{"id":"\#(b)"},"name":"a2"}"#)
        XCTAssertEqual(moved.status, 200)
        XCTAssertEqual((moved.json["parent"] as? [String: Any])?["id"] as? String, b)
        XCTAssertEqual(moved.json["name"] as? String, "a2")
        let cycle = try await emulator.call(.PUT, "/2.0/folders/\(b)", json: #"{"parent":{"id":"\#(a)"}}"#)
        XCTAssertEqual(cycle.code, "cyclical_folder_structure")
        let copy = try await emulator.call(.POST, "/2.0/folders/\(a)/copy", json: #"{"parent":{"id":"0"}}"#)
        XCTAssertEqual(copy.status, 201)
        let copyID = try XCTUnwrap(copy.json["id"] as? String)
        let items = try await emulator.call(.GET, "/2.0/folders/\(copyID)/items")
        XCTAssertEqual(items.entries.map { $0["name"] as? String }, ["f.txt"])
    }

    func testDeleteNeedsRecursiveAndTrashedItemsVanish() async throws {
        let id = try await emulator.makeFolder("full")
        _ = try await emulator.makeFile("f.txt", in: id, content: "x")
        let refused = try await emulator.call(.DELETE, "/2.0/folders/\(id)")
        XCTAssertEqual(refused.status, 400)
        XCTAssertEqual(refused.code, "folder_not_empty")
        let deleted = try await emulator.call(.DELETE, "/2.0/folders/\(id)?recursive=true")
        XCTAssertEqual(deleted.status, 204)
        let gone = try await emulator.call(.GET, "/2.0/folders/\(id)")
        XCTAssertEqual(gone.status, 404)
        XCTAssertEqual(gone.code, "trashed")
        let root = try await emulator.call(.GET, "/2.0/folders/0/items")
        XCTAssertEqual(root.json["total_count"] as? Int, 0)
        let reuse = try await emulator.call(.POST, "/2.0/folders", json: #"{"name":"full","parent":{"id":"0"}}"#)
        XCTAssertEqual(reuse.status, 201, "a trashed name is free again")
    }

    func testOffsetAndMarkerPagingVisitEveryEntryOnce() async throws {
        let parent = try await emulator.makeFolder("many")
        for index in 0..<7 { _ = try await emulator.makeFolder("sub\(index)", in: parent) }
        for index in 0..<8 { _ = try await emulator.makeFile("file\(index).txt", in: parent, content: "x") }

        var offsetNames: [String] = []
        var offset = 0
        while true {
            let page = try await emulator.call(.GET, "/2.0/folders/\(parent)/items?limit=4&offset=\(offset)")
            XCTAssertEqual(page.json["total_count"] as? Int, 15)
            offsetNames += page.entries.compactMap { $0["name"] as? String }
            offset += page.json["limit"] as? Int ?? 4
            if offset >= 15 { break }
        }
        XCTAssertEqual(offsetNames.count, 15)
        XCTAssertEqual(offsetNames.prefix(7).allSatisfy { $0.hasPrefix("sub") }, true, "folders first")

        var markerNames: [String] = []
        var marker: String?
        repeat {
            let query = "/2.0/folders/\(parent)/items?limit=6&usemarker=true&fields=name" + (marker.map { "&marker=\($0)" } ?? "")
            let page = try await emulator.call(.GET, query)
            XCTAssertNil(page.json["total_count"])
            markerNames += page.entries.compactMap { $0["name"] as? String }
            marker = page.json["next_marker"] as? String
        } while marker != nil
        XCTAssertEqual(markerNames, offsetNames)

        let clamped = try await emulator.call(.GET, "/2.0/folders/\(parent)/items?limit=5000")
        XCTAssertEqual(clamped.json["limit"] as? Int, 1000)
        let bySize = try await emulator.call(.GET, "/2.0/folders/\(parent)/items?sort=name&direction=DESC")
        XCTAssertEqual(bySize.entries.first?["name"] as? String, "sub6")
    }

    func testUnknownRoutesAndIdsGetBoxErrors() async throws {
        let missing = try await emulator.call(.GET, "/2.0/folders/999999")
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(missing.code, "not_found")
        XCTAssertEqual(missing.json["type"] as? String, "error")
        XCTAssertNotNil(missing.header("box-request-id"))
        let unknown = try await emulator.call(.GET, "/2.0/nothing/here")
        XCTAssertEqual(unknown.status, 404)
        XCTAssertEqual(unknown.code, "not_found")
    }

    func testUnauthorizedHasEmptyBodyAndWWWAuthenticate() async throws {
        let reply = try await emulator.call(.GET, "/2.0/users/me", token: "wrong")
        XCTAssertEqual(reply.status, 401)
        XCTAssertTrue(reply.body.isEmpty)
        XCTAssertTrue(reply.header("WWW-Authenticate")?.contains("invalid_token") == true)
        let expiring = emulator.server.issueToken(ttl: 1)
        let fresh = try await emulator.call(.GET, "/2.0/users/me", token: expiring)
        XCTAssertEqual(fresh.status, 200)
    }

    func testAsUserNeedsAnAdminOrServiceAccountToken() async throws {
        let second = EmulatorUsers.secondUser.rawValue
        let asSecond = try await emulator.call(.GET, "/2.0/users/me", headers: [("As-User", second)])
        XCTAssertEqual(asSecond.json["id"] as? String, second)
        let unknown = try await emulator.call(.GET, "/2.0/users/me", headers: [("As-User", "424242")])
        XCTAssertEqual(unknown.status, 404)
        let bobToken = emulator.server.issueToken(for: EmulatorUsers.secondUser)
        let refused = try await emulator.call(.GET, "/2.0/users/me", headers: [("As-User", EmulatorUsers.defaultUser.rawValue)], token: bobToken)
        XCTAssertEqual(refused.status, 403)
        let ownRoot = try await emulator.call(.GET, "/2.0/folders/0/items", token: bobToken)
        XCTAssertEqual(ownRoot.json["total_count"] as? Int, 0, "each user has their own tree")
    }
}
