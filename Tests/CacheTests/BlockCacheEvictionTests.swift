import Foundation
import XCTest
@testable import Cache

final class BlockCacheEvictionTests: XCTestCase {
    private let mib = 1 << 20
    private let fileSize = Int64(100 << 20)

    private func key(_ index: Int) -> BlockKey { BlockKey(item: "7", version: "sha", index: index) }

    private func open(_ path: String, capacity: Int) throws -> BlockCache {
        try BlockCache(directory: CacheDirectory(path: path), blockSize: mib, capacity: Int64(capacity * mib))
    }

    private func store(_ cache: BlockCache, _ index: Int) throws {
        try cache.store(key(index), fileSize: fileSize, bytes: [UInt8](repeating: UInt8(index), count: mib))
        // File mtimes carry recency across restarts; the kernel stamps them with a coarse clock.
        usleep(15_000)
    }

    private func cachedIndexes(_ cache: BlockCache, upTo last: Int) -> [Int] {
        (0...last).filter { cache.contains(key($0)) }
    }

    /// The number of block files on disk for item 7.
    private func filesOnDisk(_ path: String) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: path + "/blocks/\(mib)/7/sha").count) ?? 0
    }

    func testCapHoldsAndTheMostRecentlyUsedBlocksStay() throws {
        let cache = try open(makeTemporaryPath(), capacity: 3)
        for index in 0..<3 { try store(cache, index) }
        XCTAssertNotNil(cache.read(key(0), fileSize: fileSize))  // 0 is now the most recent; 1 the least
        try store(cache, 3)
        XCTAssertEqual(cachedIndexes(cache, upTo: 3), [0, 2, 3])

        for index in 4..<20 {
            try store(cache, index)
            XCTAssertLessThanOrEqual(cache.usage.bytes, Int64(3 * mib))
        }
        XCTAssertEqual(cachedIndexes(cache, upTo: 19), [17, 18, 19])
    }

    func testEvictionAndRecencySurviveRestart() throws {
        let path = makeTemporaryPath()
        do {
            let cache = try open(path, capacity: 3)
            for index in 0..<4 { try store(cache, index) }
            XCTAssertEqual(cachedIndexes(cache, upTo: 3), [1, 2, 3])
            XCTAssertNotNil(cache.read(key(1), fileSize: fileSize))  // order now: 2, 3, 1
            usleep(15_000)
        }
        do {
            let cache = try open(path, capacity: 3)
            XCTAssertEqual(cachedIndexes(cache, upTo: 3), [1, 2, 3])
            XCTAssertEqual(filesOnDisk(path), 3, "evicted blocks are gone from disk")
            try store(cache, 4)
            XCTAssertEqual(cachedIndexes(cache, upTo: 4), [1, 3, 4], "the block read before the restart stays")
        }
        let smaller = try open(path, capacity: 2)
        XCTAssertEqual(cachedIndexes(smaller, upTo: 4), [1, 4], "a lower cap evicts on open")
        XCTAssertEqual(filesOnDisk(path), 2)
    }

    func testABlockBeingReadIsNotEvicted() throws {
        let cache = try open(makeTemporaryPath(), capacity: 1)
        try store(cache, 0)
        XCTAssertNotNil(cache.pin(key(0)), "a read pins the block it reads like this")
        try store(cache, 1)
        XCTAssertTrue(cache.contains(key(0)), "the pinned block survives although it is the least recently used")
        XCTAssertFalse(cache.contains(key(1)), "the unpinned block is evicted instead")
        cache.unpin(key(0))
        XCTAssertEqual(cache.usage.bytes, Int64(mib))
    }

    func testAReadAcrossARemoveAndRestoreStaysBalanced() throws {
        let cache = try open(makeTemporaryPath(), capacity: 1)
        try store(cache, 0)
        XCTAssertNotNil(cache.pin(key(0)))
        cache.removeBlocks(of: "7")
        try store(cache, 0)
        cache.unpin(key(0))
        try store(cache, 1)
        XCTAssertEqual(cachedIndexes(cache, upTo: 1), [1], "block 0 is evictable again once its read ended")
    }
}
