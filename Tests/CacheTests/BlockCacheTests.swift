import Foundation
import XCTest
@testable import Cache

final class BlockCacheTests: XCTestCase {
    private let mib = 1 << 20
    private var path: String!
    private var cache: BlockCache!

    override func setUpWithError() throws {
        path = makeTemporaryPath()
        cache = try BlockCache(directory: CacheDirectory(path: path), blockSize: mib, capacity: 64 << 20)
    }

    private func bytes(_ count: Int, seed: UInt8) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0) &+ seed } }

    func testRoundTripIncludingAShortLastBlock() throws {
        let fileSize = Int64(2 * mib + 1000)
        let full = bytes(mib, seed: 1)
        let last = bytes(1000, seed: 2)
        try cache.store(BlockKey(item: "1", version: "sha", index: 0), fileSize: fileSize, bytes: full)
        try cache.store(BlockKey(item: "1", version: "sha", index: 2), fileSize: fileSize, bytes: last)

        XCTAssertEqual(cache.read(BlockKey(item: "1", version: "sha", index: 0), fileSize: fileSize), full)
        XCTAssertEqual(cache.read(BlockKey(item: "1", version: "sha", index: 2), fileSize: fileSize), last)
        XCTAssertNil(cache.read(BlockKey(item: "1", version: "sha", index: 1), fileSize: fileSize))
        XCTAssertEqual(cache.usage.bytes, Int64(mib + 1000))
    }

    func testSubRangeRead() throws {
        let key = BlockKey(item: "1", version: "sha", index: 1)
        let fileSize = Int64(mib + 500)
        let block = bytes(500, seed: 9)
        try cache.store(key, fileSize: fileSize, bytes: block)

        var buffer = [UInt8](repeating: 0, count: 300)
        let n = buffer.withUnsafeMutableBytes { cache.read(key, fileSize: fileSize, offset: 400, into: $0) }
        XCTAssertEqual(n, 100, "stops where the block ends")
        XCTAssertEqual(Array(buffer[..<100]), Array(block[400...]))
    }

    func testBlocksAreKeyedByVersion() throws {
        let old = BlockKey(item: "1", version: "v1", index: 0)
        let new = BlockKey(item: "1", version: "v2", index: 0)
        try cache.store(old, fileSize: 10, bytes: bytes(10, seed: 1))
        XCTAssertNil(cache.read(new, fileSize: 10))
        XCTAssertFalse(cache.contains(new))

        try cache.store(new, fileSize: 10, bytes: bytes(10, seed: 2))
        cache.removeBlocks(of: "1", except: "v2")
        XCTAssertFalse(cache.contains(old))
        XCTAssertEqual(cache.read(new, fileSize: 10), bytes(10, seed: 2))

        cache.removeBlocks(of: "1")
        XCTAssertFalse(cache.contains(new))
        XCTAssertEqual(cache.usage.blocks, 0)
    }

    func testIdsAndVersionsWithPathCharactersAreSafe() throws {
        let key = BlockKey(item: "../x", version: "a/b.%", index: 0)
        try cache.store(key, fileSize: 3, bytes: [1, 2, 3])
        XCTAssertEqual(cache.read(key, fileSize: 3), [1, 2, 3])
        cache = nil
        cache = try BlockCache(directory: CacheDirectory(path: path), blockSize: mib, capacity: 64 << 20)
        XCTAssertTrue(cache.contains(key))
    }

    func testStoringTheWrongLengthIsRefused() throws {
        let key = BlockKey(item: "1", version: "v", index: 0)
        XCTAssertThrowsError(try cache.store(key, fileSize: Int64(2 * mib), bytes: bytes(10, seed: 0))) {
            XCTAssertEqual($0 as? BlockCacheError, .wrongBlockLength(key, expected: mib, actual: 10))
        }
        XCTAssertFalse(cache.contains(key))
    }

    func testAWrongLengthFileOnDiskIsAMissAndIsDiscarded() throws {
        let key = BlockKey(item: "1", version: "v", index: 0)
        try cache.store(key, fileSize: 100, bytes: bytes(100, seed: 0))
        let file = path + "/blocks/\(mib)/1/v/0"
        XCTAssertEqual(truncate(file, 50), 0)
        XCTAssertNil(cache.read(key, fileSize: 100))
        XCTAssertFalse(cache.contains(key))
        XCTAssertFalse(FileManager.default.fileExists(atPath: file))
    }

    func testBlockSizeOutsideOneToEightMiBIsRejected() throws {
        let directory = try CacheDirectory(path: makeTemporaryPath())
        XCTAssertThrowsError(try BlockCache(directory: directory, blockSize: 4096, capacity: 1 << 30)) {
            XCTAssertEqual($0 as? BlockCacheError, .invalidBlockSize(4096))
        }
        XCTAssertThrowsError(try BlockCache(directory: directory, blockSize: 9 << 20, capacity: 1 << 30))
    }

    func testBlocksOfAnotherBlockSizeAreDroppedOnOpen() throws {
        let key = BlockKey(item: "1", version: "v", index: 0)
        try cache.store(key, fileSize: 10, bytes: bytes(10, seed: 0))
        cache = nil
        cache = try BlockCache(directory: CacheDirectory(path: path), blockSize: 2 * mib, capacity: 64 << 20)
        XCTAssertFalse(cache.contains(key))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + "/blocks/\(mib)"))
    }
}
