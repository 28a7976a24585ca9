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
