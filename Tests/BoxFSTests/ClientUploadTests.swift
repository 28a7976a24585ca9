@testable import BoxFS
import Cache
import Foundation
import XCTest

final class ClientUploadTests: XCTestCase {
    private var harness: ClientHarness!
    private var client: BoxClient { harness.client }

    override func setUp() async throws {
        harness = try await ClientHarness.start()
    }

    override func tearDown() async throws {
        try await harness.stop()
    }

    func testSimpleUploadAndNewVersion() async throws {
        let path = try harness.makeFile(size: 1_234_567)
        let mtime = Date(timeIntervalSince1970: 1_600_000_000)
        let file = try await client.upload(
            name: "simple.bin", parent: .root, fileAt: path, size: 1_234_567, contentModifiedAt: mtime)
        XCTAssertEqual(file.name, "simple.bin")
        XCTAssertEqual(file.size, 1_234_567)
        XCTAssertEqual(file.sha1, try ClientHarness.sha1sum(path))
        XCTAssertEqual(file.contentModifiedAt, mtime)
        let simpleCalls = try await harness.calls("POST /api/2.0/files/content")
        XCTAssertEqual(simpleCalls, 1)

        let second = try harness.makeFile(size: 10, seed: 3)
        let version = try await client.uploadVersion(
            of: file.id, fileAt: second, size: 10, contentModifiedAt: nil, ifMatch: file.etag)
        XCTAssertEqual(version.id, file.id)
        XCTAssertEqual(version.size, 10)
        XCTAssertEqual(version.sha1, try ClientHarness.sha1sum(second))

        await assertBoxError(try await self.client.uploadVersion(
            of: file.id, fileAt: second, size: 10, contentModifiedAt: nil, ifMatch: file.etag)) {
            if case .preconditionFailed = $0 { return true }
            return false
        }
    }

    func testEmptyFileUpload() async throws {
        let path = try harness.makeFile(size: 0)
        let file = try await client.upload(name: "empty", parent: .root, fileAt: path, size: 0, contentModifiedAt: nil)
        XCTAssertEqual(file.size, 0)
        XCTAssertEqual(file.sha1, "da39a3ee5e6b4b0d3255bfef95601890afd80709")
    }

    func testUploadNameConflictCarriesExistingFile() async throws {
        let path = try harness.makeFile(size: 100)
        let first = try await client.upload(name: "c.txt", parent: .root, fileAt: path, size: 100, contentModifiedAt: nil)
        let other = try harness.makeFile(size: 50, seed: 1)
        await assertBoxError(try await self.client.upload(
            name: "C.TXT", parent: .root, fileAt: other, size: 50, contentModifiedAt: nil)) { error in
            guard case .nameConflict(let existing?, _) = error else { return false }
            return existing.id == first.id && existing.sha1 == first.sha1
        }
    }

    func testChunkedUploadOf60MBWithDelayedCommit() async throws {
        let size = 60 * 1024 * 1024
        let path = try harness.makeFile(size: size)
        try await harness.setFaults(["commit_202_count": 1, "retry_after_seconds": 1])
        let saved = ProgressLog()
        let file = try await client.upload(
            name: "big.bin", parent: .root, fileAt: path, size: Int64(size), contentModifiedAt: nil,
            onProgress: { await saved.append($0) })
        XCTAssertEqual(file.size, Int64(size))
        XCTAssertEqual(file.sha1, try ClientHarness.sha1sum(path))
        let reported = await saved.last
        let last = try XCTUnwrap(reported)
        XCTAssertEqual(last.parts.count, last.totalParts)
        let partCalls = try await harness.calls("PUT /api/2.0/files/upload_sessions/{session}")
        let commitCalls = try await harness.calls("POST /api/2.0/files/upload_sessions/{session}/commit")
        let simpleCalls = try await harness.calls("POST /api/2.0/files/content")
        XCTAssertEqual(partCalls, last.totalParts)
        XCTAssertEqual(commitCalls, 2)
        XCTAssertEqual(simpleCalls, 0)
        let head = try await client.download(file.id, range: 0...(1 << 20) - 1, version: file.fileVersionID)
        XCTAssertEqual(Data(head), try Data(contentsOf: URL(fileURLWithPath: path))[0..<(1 << 20)])
    }

    func testChunkedNewVersionAndStaleETagAbortsTheSession() async throws {
        let size = 21 * 1024 * 1024
        let first = try harness.makeFile(size: 100)
        let file = try await client.upload(name: "v.bin", parent: .root, fileAt: first, size: 100, contentModifiedAt: nil)
        let big = try harness.makeFile(size: size, seed: 5)
        let version = try await client.uploadVersion(
            of: file.id, fileAt: big, size: Int64(size), contentModifiedAt: nil, ifMatch: file.etag)
        XCTAssertEqual(version.id, file.id)
        XCTAssertEqual(version.sha1, try ClientHarness.sha1sum(big))

        try await harness.resetStats()
        await assertBoxError(try await self.client.uploadVersion(
            of: file.id, fileAt: big, size: Int64(size), contentModifiedAt: nil, ifMatch: file.etag)) {
            if case .preconditionFailed = $0 { return true }
            return false
        }
        let aborts = try await harness.calls("DELETE /api/2.0/files/upload_sessions/{session}", status: 204)
        XCTAssertEqual(aborts, 1)
    }

    func testResumingAnAlreadyCommittedSessionFindsTheUploadedFile() async throws {
        let size = 21 * 1024 * 1024
        let path = try harness.makeFile(size: size, seed: 11)
        let saved = ProgressLog()
        let file = try await client.upload(
            name: "committed.bin", parent: .root, fileAt: path, size: Int64(size), contentModifiedAt: nil,
            onProgress: { await saved.append($0) })
        // As if the process died after the commit but before the journal learnt of it.
        let reported = await saved.last
        let progress = try XCTUnwrap(reported)
        try await harness.resetStats()
        let again = try await client.upload(
            name: "committed.bin", parent: .root, fileAt: path, size: Int64(size), contentModifiedAt: nil,
            resuming: progress)
        XCTAssertEqual(again.id, file.id)
        XCTAssertEqual(again.fileVersionID, file.fileVersionID)
        let sessions = try await harness.calls("POST /api/2.0/files/upload_sessions")
        let parts = try await harness.calls("PUT /api/2.0/files/upload_sessions/{session}")
        XCTAssertEqual(sessions + parts, 0)
    }

    func testChunkedUploadResumesFromSavedProgress() async throws {
        let size = 60 * 1024 * 1024
        let path = try harness.makeFile(size: size, seed: 42)
        let saved = ProgressLog()
        let harness = self.harness!
        // After two parts are stored, every connection drops: the upload fails with the session kept.
        do {
            _ = try await client.upload(
                name: "resumed.bin", parent: .root, fileAt: path, size: Int64(size), contentModifiedAt: nil,
                onProgress: { progress in
                    await saved.append(progress)
                    if progress.parts.count == 2 { try? await harness.setFaults(["pdrop": 1.0]) }
                })
            XCTFail("the upload should have failed")
        } catch BoxAPIError.transport {
        }
        try await harness.setFaults(["pdrop": 0.0])
        let lastSaved = await saved.last
        let progress = try XCTUnwrap(lastSaved)
        XCTAssertGreaterThanOrEqual(progress.parts.count, 2)
        XCTAssertLessThan(progress.parts.count, progress.totalParts)

        // The progress survives a round trip through its Codable form, as the upload journal stores it.
        let restored = try JSONDecoder().decode(
            ChunkedUploadProgress.self, from: try JSONEncoder().encode(progress))
        try await harness.resetStats()
        let file = try await client.upload(
            name: "resumed.bin", parent: .root, fileAt: path, size: Int64(size), contentModifiedAt: nil,
            resuming: restored)
        XCTAssertEqual(file.sha1, try ClientHarness.sha1sum(path))
        let sessionCalls = try await harness.calls("POST /api/2.0/files/upload_sessions")
        XCTAssertEqual(sessionCalls, 0)
        let resent = try await harness.calls("PUT /api/2.0/files/upload_sessions/{session}")
        XCTAssertLessThanOrEqual(resent, progress.totalParts - progress.parts.count)
    }
}

/// Collects the progress values a chunked upload reports.
actor ProgressLog {
    private(set) var values: [ChunkedUploadProgress] = []
    var last: ChunkedUploadProgress? { values.last }

    func append(_ progress: ChunkedUploadProgress) {
        values.append(progress)
    }
}
