import Foundation
import XCTest
@testable import Cache

final class StagingAreaTests: XCTestCase {
    func testCreateWriteReadSyncAndRemove() throws {
        let staging = try StagingArea(directory: CacheDirectory(path: makeTemporaryPath()))
        let file = try staging.create()
        XCTAssertTrue(file.path.hasPrefix(staging.path + "/"))
        XCTAssertEqual(try file.size(), 0)

        let data: [UInt8] = Array("hello, box".utf8)
        try data.withUnsafeBytes { try file.write($0, at: 100) }
        try file.sync()
        XCTAssertEqual(try file.size(), 110)

        let reopened = try staging.open(path: file.path)
        var buffer = [UInt8](repeating: 0xFF, count: 20)
        let n = try buffer.withUnsafeMutableBytes { try reopened.read(into: $0, at: 95) }
        XCTAssertEqual(n, 15)
        XCTAssertEqual(Array(buffer[..<15]), [0, 0, 0, 0, 0] + data)

        try reopened.truncate(to: 3)
        XCTAssertEqual(try file.size(), 3)

        try staging.remove(path: file.path)
        XCTAssertEqual(try staging.leftovers(), [])
        XCTAssertThrowsError(try staging.open(path: file.path)) {
            XCTAssertEqual(($0 as? CacheIOError)?.errno, ENOENT)
        }
        try staging.remove(path: file.path)  // removing twice is fine
    }

    func testWriteBehindMidFileKeepsEveryByte() throws {
        let staging = try StagingArea(directory: CacheDirectory(path: makeTemporaryPath()))
        let file = try staging.create()
        let chunk = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        for index in 0..<6 {
            try chunk.withUnsafeBytes { try file.write($0, at: Int64(index) << 20) }
            if index % 2 == 1 { file.writeBehind() }
        }
        try chunk.withUnsafeBytes { try file.write(UnsafeRawBufferPointer(rebasing: $0[0..<100]), at: 3 << 20) }
        file.writeBehind()
        try file.sync()
        XCTAssertEqual(try file.size(), 6 << 20)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        for index in 0..<6 {
            XCTAssertEqual(try buffer.withUnsafeMutableBytes { try file.read(into: $0, at: Int64(index) << 20) }, 1 << 20)
            XCTAssertEqual(buffer, chunk, "MiB \(index)")
        }
    }

    func testLeftoversAreListedAfterReopen() throws {
        let path = makeTemporaryPath()
        var created: Set<String> = []
        do {
            let staging = try StagingArea(directory: CacheDirectory(path: path))
            for _ in 0..<3 { created.insert(try staging.create().path) }
        }
        let staging = try StagingArea(directory: CacheDirectory(path: path))
        XCTAssertEqual(Set(try staging.leftovers()), created)
    }
}
