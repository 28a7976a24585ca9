import Foundation
import XCTest
@testable import Cache

/// A block streamed in piece by piece is served only once it is complete and committed.
final class BlockWriterTests: XCTestCase {
    private let mib = 1 << 20
    private let key = BlockKey(item: "7", version: "v1", index: 1)

    func testPiecesBecomeOneBlockOnlyAtCommit() throws {
        let cache = try BlockCache(directory: CacheDirectory(path: makeTemporaryPath()), blockSize: mib,
                                   capacity: Int64(8 * mib))
        let fileSize = Int64(mib + 1000)
        let writer = try cache.writer(for: key, fileSize: fileSize)
        XCTAssertEqual(writer.length, 1000)
        try [UInt8](repeating: 1, count: 600).withUnsafeBytes { try writer.append($0) }
        XCTAssertNil(cache.read(key, fileSize: fileSize), "half a block was served")
        try [UInt8](repeating: 2, count: 400).withUnsafeBytes { try writer.append($0) }
        XCTAssertFalse(cache.contains(key))
        try writer.commit()
        XCTAssertEqual(cache.read(key, fileSize: fileSize), [UInt8](repeating: 1, count: 600) + [UInt8](repeating: 2, count: 400))
        XCTAssertEqual(cache.usage.bytes, 1000)
    }

    func testShortOrOverlongBlocksAreRefusedAndLeaveNothing() throws {
        let path = makeTemporaryPath()
        let cache = try BlockCache(directory: CacheDirectory(path: path), blockSize: mib, capacity: Int64(8 * mib))
        let fileSize = Int64(2 * mib)
        let short = try cache.writer(for: key, fileSize: fileSize)
        try [UInt8](repeating: 1, count: 10).withUnsafeBytes { try short.append($0) }
        XCTAssertThrowsError(try short.commit()) { error in
            XCTAssertEqual(error as? BlockCacheError, .wrongBlockLength(key, expected: mib, actual: 10))
        }
        let long = try cache.writer(for: key, fileSize: fileSize)
        XCTAssertThrowsError(try [UInt8](repeating: 1, count: mib + 1).withUnsafeBytes { try long.append($0) })
        long.discard()
        do { _ = try cache.writer(for: key, fileSize: fileSize) }  // released without commit
        XCTAssertFalse(cache.contains(key))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: path + "/blocks/incoming"), [])
    }
}
