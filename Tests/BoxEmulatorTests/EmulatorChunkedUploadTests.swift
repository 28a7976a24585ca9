@testable import BoxEmulator
import Foundation
import XCTest

final class EmulatorChunkedUploadTests: XCTestCase {
    private var emulator: EmulatorHarness!
    /// Just above Box's 20 MB minimum: parts of 8 MiB, 8 MiB and the rest.
    private let size = 20_000_000
    private lazy var content = Data(SeedData.bytes(seed: 7, offset: 0, count: size))

    override func setUp() async throws { emulator = try await EmulatorHarness.start() }
    override func tearDown() async throws { try await emulator.stop() }

    private func createSession(name: String = "big.bin") async throws -> [String: Any] {
        let reply = try await emulator.call(.POST, "/api/2.0/files/upload_sessions",
                                            json: #"{"folder_id":"0","file_size":\#(size),"file_name":"\#(name)"}"#)
        XCTAssertEqual(reply.status, 201, String(decoding: reply.body, as: UTF8.self))
        return reply.json
    }

    private func putPart(_ sessionID: String, offset: Int, length: Int, digest: String? = nil) async throws -> EmulatorReply {
        let part = content.subdata(in: offset..<(offset + length))
        return try await emulator.call(.PUT, "/api/2.0/files/upload_sessions/\(sessionID)", body: part, headers: [
            ("Content-Type", "application/octet-stream"),
            ("Content-Range", "bytes \(offset)-\(offset + length - 1)/\(size)"),
            ("Digest", "sha=\(digest ?? SHA1Hasher.digest(part).base64)"),
        ])
    }

    func testSessionsRefuseSmallFiles() async throws {
        let reply = try await emulator.call(.POST, "/api/2.0/files/upload_sessions", json: #"{"folder_id":"0","file_size":1000,"file_name":"s"}"#)
        XCTAssertEqual(reply.status, 400)
        XCTAssertEqual(reply.code, "file_size_too_small")
    }

    func testPartsAreCheckedAndACommitCreatesTheFile() async throws {
        let session = try await createSession()
        let id = try XCTUnwrap(session["id"] as? String)
        let partSize = try XCTUnwrap(session["part_size"] as? Int)
        XCTAssertEqual(partSize, 8 << 20)
        XCTAssertEqual(session["total_parts"] as? Int, 3)
        XCTAssertTrue((session["session_endpoints"] as? [String: Any])?["upload_part"] as? String == emulator.server.uploadURL + "/files/upload_sessions/\(id)")

        let badDigest = try await putPart(id, offset: 0, length: partSize, digest: SHA1Hasher.digest(Data("x".utf8)).base64)
        XCTAssertEqual(badDigest.status, 400)
        XCTAssertEqual(badDigest.code, "bad_digest")
        let misaligned = try await putPart(id, offset: 1, length: partSize)
        XCTAssertEqual(misaligned.status, 416)

        var parts: [[String: Any]] = []
        for offset in stride(from: 0, to: size, by: partSize) {
            let reply = try await putPart(id, offset: offset, length: min(partSize, size - offset))
            XCTAssertEqual(reply.status, 200, String(decoding: reply.body, as: UTF8.self))
            let part = try XCTUnwrap(reply.json["part"] as? [String: Any])
            XCTAssertEqual(part["sha1"] as? String, sha1Hex(content.subdata(in: offset..<min(size, offset + partSize))))
            parts.append(part)
        }
        let overlap = try await putPart(id, offset: 0, length: partSize)
        XCTAssertEqual(overlap.code, "range_overlaps_existing_part")
        let listed = try await emulator.call(.GET, "/api/2.0/files/upload_sessions/\(id)/parts")
        XCTAssertEqual(listed.json["total_count"] as? Int, 3)

        let partsJSON = String(decoding: try JSONSerialization.data(withJSONObject: parts), as: UTF8.self)
        let wholeDigest = "sha=" + SHA1Hasher.digest(content).base64
        let missingPart = String(decoding: try JSONSerialization.data(withJSONObject: Array(parts.dropLast())), as: UTF8.self)
        let mismatch = try await emulator.call(.POST, "/api/2.0/files/upload_sessions/\(id)/commit",
                                               json: #"{"parts":\#(missingPart)}"#, headers: [("Digest", wholeDigest)])
        XCTAssertEqual(mismatch.code, "parts_mismatch")
        let wrongWhole = try await emulator.call(.POST, "/api/2.0/files/upload_sessions/\(id)/commit",
                                                 json: #"{"parts":\#(partsJSON)}"#, headers: [("Digest", "sha=" + SHA1Hasher.digest(Data()).base64)])
        XCTAssertEqual(wrongWhole.code, "bad_digest")

        try await emulator.setFaults(#"{"commit_202_count":1}"#)
        let commitBody = #"{"parts":\#(partsJSON),"attributes":{"content_modified_at":"2024-01-02T03:04:05Z"}}"#
        let notYet = try await emulator.call(.POST, "/api/2.0/files/upload_sessions/\(id)/commit", json: commitBody, headers: [("Digest", wholeDigest)])
        XCTAssertEqual(notYet.status, 202)
        XCTAssertEqual(notYet.header("Retry-After"), "1")
        let done = try await emulator.call(.POST, "/api/2.0/files/upload_sessions/\(id)/commit", json: commitBody, headers: [("Digest", wholeDigest)])
        XCTAssertEqual(done.status, 201, String(decoding: done.body, as: UTF8.self))
        let file = try XCTUnwrap(done.entries.first)
        XCTAssertEqual(file["sha1"] as? String, sha1Hex(content))
        XCTAssertEqual(file["size"] as? Int, size)

        let location = try await emulator.downloadURL(try XCTUnwrap(file["id"] as? String))
        let tail = try await emulator.call(.GET, location, headers: [("Range", "bytes=-100")], token: nil)
        XCTAssertEqual(tail.body, content.suffix(100))
    }

    func testAbortDiscardsTheSession() async throws {
        let session = try await createSession()
        let id = try XCTUnwrap(session["id"] as? String)
        let aborted = try await emulator.call(.DELETE, "/api/2.0/files/upload_sessions/\(id)")
        XCTAssertEqual(aborted.status, 204)
        let status = try await emulator.call(.GET, "/api/2.0/files/upload_sessions/\(id)")
        XCTAssertEqual(status.status, 404)
    }

    func testSessionsBelongToTheirCreator() async throws {
        let session = try await createSession()
        let id = try XCTUnwrap(session["id"] as? String)
        let other = emulator.server.issueToken(for: EmulatorUsers.secondUser)
        let reply = try await emulator.call(.GET, "/api/2.0/files/upload_sessions/\(id)", token: other)
        XCTAssertEqual(reply.status, 403)
    }
}
