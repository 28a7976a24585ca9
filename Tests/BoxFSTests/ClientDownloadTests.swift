@testable import BoxFS
import BoxEmulator
import Cache
import Foundation
import Logging
import XCTest

final class ClientDownloadTests: XCTestCase {
    private var harness: ClientHarness!
    private var client: BoxClient { harness.client }

    override func setUp() async throws {
        harness = try await ClientHarness.start()
    }

    override func tearDown() async throws {
        try await harness.stop()
    }

    private func uploaded(size: Int) async throws -> (BoxItem, Data) {
        let path = try harness.makeFile(size: size)
        let item = try await client.upload(
            name: "d-\(UUID().uuidString)", parent: .root, fileAt: path, size: Int64(size), contentModifiedAt: nil)
        return (item, try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    func testRangeReadsReturnExactlyTheRequestedBytes() async throws {
        let (file, content) = try await uploaded(size: 3_000_000)
        let middle = try await client.download(file.id, range: 1_000_000...1_999_999, version: file.fileVersionID)
        XCTAssertEqual(Data(middle), content[1_000_000...1_999_999])
        let tail = try await client.download(file.id, range: 2_999_990...3_100_000)
        XCTAssertEqual(Data(tail), content[2_999_990...])
        let past = try await client.download(file.id, range: 3_000_000...3_000_100)
        XCTAssertEqual(past, [])
        let whole = try await client.download(file.id)
        XCTAssertEqual(Data(whole), content)
    }

    func testVersionedReadsReuseOneDownloadURL() async throws {
        let (file, content) = try await uploaded(size: 100_000)
        try await harness.resetStats()
        for start in stride(from: 0, to: 100_000, by: 25_000) {
            let block = try await client.download(
                file.id, range: Int64(start)...Int64(start + 24_999), version: file.fileVersionID)
            XCTAssertEqual(Data(block), content[start..<start + 25_000])
        }
        let redirects = try await harness.calls("GET /2.0/files/{id}/content")
        XCTAssertEqual(redirects, 1)
    }

    func testConcurrentReadsOfAVersionShareOneURLLookup() async throws {
        let (file, content) = try await uploaded(size: 400_000)
        try await harness.resetStats()
        let client = self.client
        let blocks = try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
            for block in 0..<8 {
                group.addTask {
                    let start = Int64(block * 50_000)
                    return (block, try await client.download(file.id, range: start...start + 49_999, version: file.fileVersionID))
                }
            }
            return try await group.reduce(into: [Int: [UInt8]]()) { $0[$1.0] = $1.1 }
        }
        for (block, bytes) in blocks {
            XCTAssertEqual(Data(bytes), content[block * 50_000..<(block + 1) * 50_000])
        }
        let redirects = try await harness.calls("GET /2.0/files/{id}/content")
        XCTAssertEqual(redirects, 1)
    }

    func testRefusedDownloadURLIsReplacedOnce() async throws {
        let (file, content) = try await uploaded(size: 10_000)
        _ = try await client.download(file.id, range: 0...99, version: file.fileVersionID)
        // A restarted emulator serves the same tree but has forgotten every download link it issued,
        // like an expired dl.boxcloud.com URL.
        try await harness.emulator.shutdown()
        var configuration = EmulatorConfiguration(dataDirectory: harness.directory.appendingPathComponent("emulator"))
        configuration.port = harness.emulator.port
        configuration.staticTokens = [ClientHarness.token]
        let restarted = try await EmulatorServer.start(configuration, logger: Logger(label: "restarted"))
        let bytes = try await client.download(file.id, range: 100...199, version: file.fileVersionID)
        XCTAssertEqual(Data(bytes), content[100...199])
        let redirects = try await harness.calls("GET /2.0/files/{id}/content")
        let refused = try await harness.calls("GET /d/1/{token}/download", status: 404)
        XCTAssertEqual(redirects, 1)
        XCTAssertEqual(refused, 1)
        try await restarted.shutdown()
    }

    func testOldVersionStaysReadableAfterNewUpload() async throws {
        let (file, content) = try await uploaded(size: 1000)
        let newPath = try harness.makeFile(size: 1000, seed: 99)
        let updated = try await client.uploadVersion(
            of: file.id, fileAt: newPath, size: 1000, contentModifiedAt: nil, ifMatch: file.etag)
        XCTAssertNotEqual(updated.fileVersionID, file.fileVersionID)
        let old = try await client.download(file.id, range: 0...999, version: file.fileVersionID)
        XCTAssertEqual(Data(old), content)
        let current = try await client.download(file.id, range: 0...999, version: updated.fileVersionID)
        XCTAssertEqual(Data(current), try Data(contentsOf: URL(fileURLWithPath: newPath)))
    }

    func testStreamingDownloadToFile() async throws {
        let (file, _) = try await uploaded(size: 5_000_000)
        let target = harness.directory.appendingPathComponent("downloaded").path
        let written = try await client.download(file.id, toFileAt: target)
        XCTAssertEqual(written, 5_000_000)
        XCTAssertEqual(try ClientHarness.sha1sum(target), file.sha1)
    }

    func testNotReadyDownloadIsWaitedOut() async throws {
        let (file, content) = try await uploaded(size: 2000)
        try await harness.setFaults(["download_202_count": 2, "retry_after_seconds": 1])
        try await harness.resetStats()
        let bytes = try await client.download(file.id, range: 0...1999)
        XCTAssertEqual(Data(bytes), content)
        let redirectCalls = try await harness.calls("GET /2.0/files/{id}/content")
        XCTAssertEqual(redirectCalls, 3)
    }

    func testWholeFileStreamsInWindowsAcrossTheEnd() async throws {
        let size = Int(BoxClient.downloadWindow) + 1000
        let (file, content) = try await uploaded(size: size)
        var received = Data()
        let count = try await client.download(file.id) { chunk in received += chunk.readableBytesView }
        XCTAssertEqual(count, Int64(size))
        XCTAssertEqual(received, content)
    }
}
