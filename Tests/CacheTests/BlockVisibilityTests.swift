import Foundation
import XCTest
@testable import Cache

/// A block file is either absent or complete: writes go to `blocks/incoming` and are renamed into place.
final class BlockVisibilityTests: XCTestCase {
    private let mib = 1 << 20

    func testOnlyCompleteBlocksAppearWhileWriting() throws {
        let path = makeTemporaryPath()
        let cache = try BlockCache(directory: CacheDirectory(path: path), blockSize: 8 * mib,
                                   capacity: Int64(1 << 30))
        let folder = path + "/blocks/\(8 * mib)/3/v"
        let fileSize = Int64(8 * mib * 20)
        let done = ThreadFlag()
        let writer = Thread {
            let block = [UInt8](repeating: 1, count: 8 * self.mib)
            for index in 0..<20 {
                try? cache.store(BlockKey(item: "3", version: "v", index: index), fileSize: fileSize, bytes: block)
            }
            done.set()
        }
        writer.start()
        var sawBlocks = 0
        while !done.isSet {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
                guard let attributes = try? FileManager.default.attributesOfItem(atPath: folder + "/" + name) else {
                    continue
                }
                XCTAssertEqual(attributes[.size] as? Int, 8 * mib, "block \(name) visible before it was complete")
                sawBlocks += 1
            }
        }
        XCTAssertGreaterThan(sawBlocks, 0)
    }

    func testLeftoverTemporaryAndStrayFilesAreNotBlocks() throws {
        let path = makeTemporaryPath()
        let key = BlockKey(item: "3", version: "v", index: 0)
        do {
            let cache = try BlockCache(directory: CacheDirectory(path: path), blockSize: mib, capacity: Int64(mib))
            try cache.store(key, fileSize: 10, bytes: [UInt8](repeating: 5, count: 10))
        }
        let incoming = path + "/blocks/incoming"
        let folder = path + "/blocks/\(mib)/3/v"
        XCTAssertTrue(FileManager.default.createFile(atPath: incoming + "/half-written", contents: Data(count: 99)))
        XCTAssertTrue(FileManager.default.createFile(atPath: folder + "/.tmp-1", contents: Data(count: 5)))

        let cache = try BlockCache(directory: CacheDirectory(path: path), blockSize: mib, capacity: Int64(mib))
        XCTAssertEqual(cache.usage.blocks, 1)
        XCTAssertEqual(cache.usage.bytes, 10)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: incoming), [])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["0"])
        XCTAssertEqual(cache.read(key, fileSize: 10), [UInt8](repeating: 5, count: 10))
    }
}

/// A flag set by one thread and polled by another.
private final class ThreadFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
