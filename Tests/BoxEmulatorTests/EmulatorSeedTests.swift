@testable import BoxEmulator
import Foundation
import XCTest

final class EmulatorSeedTests: XCTestCase {
    func testSeedingCreatesTheSampleTreeAndSurvivesARestart() async throws {
        var emulator = try await EmulatorHarness.start {
            $0.seed = true
            $0.seedBigFolder = 1200
            $0.seedLargeFile = 3_000_001
        }
        let directory = emulator.directory
        let root = try await emulator.call(.GET, "/2.0/folders/0/items?fields=name,size")
        let names = root.entries.compactMap { $0["name"] as? String }
        XCTAssertEqual(Set(names), ["big", "Documents", "empty folder", "Photos", "Ünïcödé folder with spaces", "hello.txt", "large.bin"])
        let large = try XCTUnwrap(root.entries.first { $0["name"] as? String == "large.bin" })
        XCTAssertEqual(large["size"] as? Int, 3_000_001)
        let big = try XCTUnwrap(root.entries.first { $0["name"] as? String == "big" }?["id"] as? String)
        let listing = try await emulator.call(.GET, "/2.0/folders/\(big)/items?limit=1")
        XCTAssertEqual(listing.json["total_count"] as? Int, 1200)

        let largeID = try XCTUnwrap(large["id"] as? String)
        let location = try await emulator.downloadURL(largeID)
        let slice = try await emulator.call(.GET, location, headers: [("Range", "bytes=1000-1099")], token: nil)
        XCTAssertEqual([UInt8](slice.body), SeedData.bytes(seed: SeedData.largeFileSeed, offset: 1000, count: 100))

        // Keep the data directory across a restart: the tree is still there.
        try await emulator.client.shutdown()
        try await emulator.server.shutdown()
        emulator = try await EmulatorHarness.start { $0.dataDirectory = directory }
        let again = try await emulator.call(.GET, "/2.0/folders/0/items")
        XCTAssertEqual(again.json["total_count"] as? Int, 7)
        try await emulator.stop()
    }
}
