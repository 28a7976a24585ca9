@testable import BoxEmulator
import Foundation
import XCTest

final class EmulatorFileTests: XCTestCase {
    private var emulator: EmulatorHarness!

    override func setUp() async throws { emulator = try await EmulatorHarness.start() }
    override func tearDown() async throws { try await emulator.stop() }

    func testSimpleUploadAnswers201WithACollectionAndTrueSHA1() async throws {
        let content = Data("hello world".utf8)
        let reply = try await emulator.upload(name: "hello.txt", content: content)
        XCTAssertEqual(reply.status, 201)
        XCTAssertEqual(reply.json["total_count"] as? Int, 1)
        let file = try XCTUnwrap(reply.entries.first)
        XCTAssertEqual(file["sha1"] as? String, sha1Hex(content))
        XCTAssertEqual(file["size"] as? Int, 11)
        XCTAssertEqual((file["file_version"] as? [String: Any])?["sha1"] as? String, sha1Hex(content))
        XCTAssertNotNil(file["content_modified_at"] as? String)
    }

    func testAttributesAfterTheFilePartIsRefused() async throws {
        let reply = try await emulator.upload(name: "late.txt", content: Data("x".utf8), attributesFirst: false)
        XCTAssertEqual(reply.status, 400)
        XCTAssertEqual(reply.code, "metadata_after_file_contents")
    }

    func testContentMD5CarriesAHexSHA1() async throws {
        let content = Data("checked".utf8)
        let wrong = try await emulator.upload(name: "c.txt", content: content, headers: [("Content-MD5", sha1Hex(Data("other".utf8)))])
        XCTAssertEqual(wrong.status, 400)
        XCTAssertEqual(wrong.code, "bad_digest")
        let right = try await emulator.upload(name: "c.txt", content: content, headers: [("Content-MD5", sha1Hex(content))])
        XCTAssertEqual(right.status, 201)
    }

    func testUploadConflictIsOneObjectAndPreflightFindsIt() async throws {
        let id = try await emulator.makeFile("Same.txt", content: "1")
        let clash = try await emulator.upload(name: "same.TXT", content: Data("2".utf8))
        XCTAssertEqual(clash.status, 409)
        let conflict = try XCTUnwrap((clash.json["context_info"] as? [String: Any])?["conflicts"] as? [String: Any])
        XCTAssertEqual(conflict["id"] as? String, id)
        XCTAssertNotNil(conflict["sha1"] as? String)
        let preflight = try await emulator.call(.OPTIONS, "/2.0/files/content/", json: #"{"name":"SAME.txt","parent":{"id":"0"}}"#)
        XCTAssertEqual(preflight.status, 409)
        let free = try await emulator.call(.OPTIONS, "/2.0/files/content", json: #"{"name":"new.txt","parent":{"id":"0"},"size":3}"#)
        XCTAssertEqual(free.status, 200)
        XCTAssertNotNil(free.json["upload_url"] as? String)
    }

    func testNewVersionAnswers200AndHonoursIfMatch() async throws {
        let id = try await emulator.makeFile("v.txt", content: "one")
        let first = try await emulator.call(.GET, "/2.0/files/\(id)")
        let etag = try XCTUnwrap(first.json["etag"] as? String)
        let version = try await emulator.upload(name: "v.txt", content: Data("two!".utf8), to: id, headers: [("If-Match", etag)])
        XCTAssertEqual(version.status, 200)
        let updated = try XCTUnwrap(version.entries.first)
        XCTAssertEqual(updated["sha1"] as? String, sha1Hex(Data("two!".utf8)))
        XCTAssertNotEqual(updated["etag"] as? String, etag)
        let stale = try await emulator.upload(name: "v.txt", content: Data("three".utf8), to: id, headers: [("If-Match", etag)])
        XCTAssertEqual(stale.status, 412)
        let versions = try await emulator.call(.GET, "/2.0/files/\(id)/versions")
        XCTAssertEqual(versions.json["total_count"] as? Int, 1)
    }

    func testDownloadRedirectsToATokenlessURLThatHonoursRanges() async throws {
        let content = Data("0123456789".utf8)
        let uploaded = try await emulator.upload(name: "d.bin", content: content)
        let id = try XCTUnwrap(uploaded.entries.first?["id"] as? String)
        let redirect = try await emulator.call(.GET, "/2.0/files/\(id)/content")
        XCTAssertEqual(redirect.status, 302)
        let location = try XCTUnwrap(redirect.header("Location"))
        XCTAssertTrue(location.hasPrefix(emulator.server.baseURL))

        let whole = try await emulator.call(.GET, location, token: nil)
        XCTAssertEqual(whole.status, 200)
        XCTAssertEqual(whole.body, content)
        let closed = try await emulator.call(.GET, location, headers: [("Range", "bytes=2-4")], token: nil)
        XCTAssertEqual(closed.status, 206)
        XCTAssertEqual(String(decoding: closed.body, as: UTF8.self), "234")
        XCTAssertEqual(closed.header("Content-Range"), "bytes 2-4/10")
        let open = try await emulator.call(.GET, location, headers: [("Range", "bytes=7-")], token: nil)
        XCTAssertEqual(String(decoding: open.body, as: UTF8.self), "789")
        let suffix = try await emulator.call(.GET, location, headers: [("Range", "bytes=-2")], token: nil)
        XCTAssertEqual(String(decoding: suffix.body, as: UTF8.self), "89")
        let beyond = try await emulator.call(.GET, location, headers: [("Range", "bytes=10-")], token: nil)
        XCTAssertEqual(beyond.status, 416)
        XCTAssertEqual(beyond.header("Content-Range"), "bytes */10")
    }

    func testOldVersionsStayDownloadable() async throws {
        let id = try await emulator.makeFile("old.txt", content: "first")
        let before = try await emulator.call(.GET, "/2.0/files/\(id)")
        let firstVersion = try XCTUnwrap((before.json["file_version"] as? [String: Any])?["id"] as? String)
        try await emulator.upload(name: "old.txt", content: Data("second".utf8), to: id)
        let current = try await emulator.call(.GET, try await emulator.downloadURL(id), token: nil)
        XCTAssertEqual(String(decoding: current.body, as: UTF8.self), "second")
        let oldBody = try await emulator.call(.GET, try await emulator.downloadURL(id, version: firstVersion), token: nil)
        XCTAssertEqual(String(decoding: oldBody.body, as: UTF8.self), "first")
    }

    func testDownload202WhileTheFaultSaysSo() async throws {
        let id = try await emulator.makeFile("slow.txt", content: "x")
        try await emulator.setFaults(#"{"download_202_count":1,"retry_after_seconds":2}"#)
        let pending = try await emulator.call(.GET, "/2.0/files/\(id)/content")
        XCTAssertEqual(pending.status, 202)
        XCTAssertEqual(pending.header("Retry-After"), "2")
        let ready = try await emulator.call(.GET, "/2.0/files/\(id)/content")
        XCTAssertEqual(ready.status, 302)
    }

    func testRenameMoveSetMtimeCopyAndTrash() async throws {
        let folder = try await emulator.makeFolder("dest")
        let id = try await emulator.makeFile("f.txt", content: "abc")
        let moved = try await emulator.call(.PUT, "/2.0/files/\(id)",
                                            json: #"{"name":"g.txt","parent":{"id":"\#(folder)"},"content_modified_at":"2024-05-01T10:20:30.456Z"}"#)
        XCTAssertEqual(moved.status, 200)
        XCTAssertEqual(moved.json["name"] as? String, "g.txt")
        XCTAssertEqual(moved.json["content_modified_at"] as? String, "2024-05-01T02:20:30-08:00")
        let copy = try await emulator.call(.POST, "/2.0/files/\(id)/copy", json: #"{"parent":{"id":"0"}}"#)
        XCTAssertEqual(copy.status, 201)
        XCTAssertEqual(copy.json["sha1"] as? String, moved.json["sha1"] as? String)
        let copyAgain = try await emulator.call(.POST, "/2.0/files/\(id)/copy", json: #"{"parent":{"id":"\#(folder)"}}"#)
        XCTAssertEqual(copyAgain.status, 409)
        XCTAssertNotNil((copyAgain.json["context_info"] as? [String: Any])?["conflicts"] as? [String: Any])
        let deleted = try await emulator.call(.DELETE, "/2.0/files/\(id)")
        XCTAssertEqual(deleted.status, 204)
        let gone = try await emulator.call(.GET, "/2.0/files/\(id)")
        XCTAssertEqual(gone.code, "trashed")
    }
}
