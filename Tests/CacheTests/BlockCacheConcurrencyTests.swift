import Foundation
import XCTest
@testable import Cache

final class BlockCacheConcurrencyTests: XCTestCase {
    private let mib = 1 << 20

    func testConcurrentStoresAndReadsOfTheSameBlock() async throws {
        let cache = try BlockCache(directory: CacheDirectory(path: makeTemporaryPath()), blockSize: mib,
                                   capacity: Int64(64 * mib))
        let key = BlockKey(item: "1", version: "sha", index: 0)
        let fileSize = Int64(mib)
        let block = (0..<mib).map { UInt8(truncatingIfNeeded: $0 &* 7) }

        let outcomes = try await withThrowingTaskGroup(of: [Bool].self) { group in
            for _ in 0..<16 {
                group.addTask {
                    var fullReads: [Bool] = []
                    for _ in 0..<10 {
                        try cache.store(key, fileSize: fileSize, bytes: block)
                        if let read = cache.read(key, fileSize: fileSize) {
                            XCTAssertEqual(read, block)
                            fullReads.append(true)
                        }
                    }
                    return fullReads
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        XCTAssertEqual(outcomes.count, 160, "every read right after a store finds the block")
        XCTAssertEqual(cache.usage.blocks, 1)
        XCTAssertEqual(cache.usage.bytes, fileSize)
    }

    func testConcurrentStoresOfManyBlocksUnderACap() async throws {
        let cache = try BlockCache(directory: CacheDirectory(path: makeTemporaryPath()), blockSize: mib,
                                   capacity: Int64(8 * mib))
        let fileSize = Int64(200 * mib)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for step in 0..<10 {
                        let index = worker * 10 + step
                        let key = BlockKey(item: "2", version: "v", index: index)
                        let block = [UInt8](repeating: UInt8(index), count: self.mib)
                        try cache.store(key, fileSize: fileSize, bytes: block)
                        if let read = cache.read(key, fileSize: fileSize) { XCTAssertEqual(read, block) }
                    }
                }
            }
            try await group.waitForAll()
        }
        XCTAssertLessThanOrEqual(cache.usage.bytes, Int64(8 * mib))
        XCTAssertEqual(cache.usage.bytes, Int64(cache.usage.blocks * mib))
    }
}
