import Foundation
import XCTest
@testable import Cache

/// The lock is a `flock` on `<cache dir>/lock`; other processes are played by util-linux's `flock(1)`.
final class CacheDirectoryLockTests: XCTestCase {
    private let flockTool = "/usr/bin/flock"

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: flockTool), "needs util-linux flock(1)")
    }

    /// Runs `flock -n <lock> true` and returns its exit status: 0 if it could take the lock, 1 if not.
    private func tryLockFromAnotherProcess(_ directory: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: flockTool)
        process.arguments = ["-n", directory + "/lock", "true"]
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    func testAnotherProcessCannotTakeAHeldDirectory() throws {
        let path = makeTemporaryPath()
        var directory: CacheDirectory? = try CacheDirectory(path: path)
        XCTAssertEqual(try tryLockFromAnotherProcess(path), 1)
        _ = directory
        directory = nil
        XCTAssertEqual(try tryLockFromAnotherProcess(path), 0, "the lock is released with the directory object")
    }

    func testOpeningADirectoryHeldByAnotherProcessFailsNamingIt() throws {
        let path = makeTemporaryPath()
        _ = try CacheDirectory(path: path)  // creates the directory and the lock file, then releases them

        let holder = Process()
        let output = Pipe()
        holder.executableURL = URL(fileURLWithPath: flockTool)
        holder.arguments = ["--no-fork", "-n", path + "/lock", "-c", "echo locked; exec sleep 30"]
        holder.standardOutput = output
        try holder.run()
        defer {
            holder.terminate()
            holder.waitUntilExit()
        }
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        XCTAssertEqual(line, "locked\n")

        XCTAssertThrowsError(try CacheDirectory(path: path)) { error in
            XCTAssertEqual(error as? CacheDirectoryError, .inUse(directory: path))
            XCTAssertTrue("\(error)".contains(path))
        }
    }

    /// `flock` locks belong to the open file description, so a second open in the same process conflicts too.
    func testASecondOpenInTheSameProcessAlsoFails() throws {
        let path = makeTemporaryPath()
        let first = try CacheDirectory(path: path)
        XCTAssertThrowsError(try CacheDirectory(path: path)) {
            XCTAssertEqual($0 as? CacheDirectoryError, .inUse(directory: path))
        }
        withExtendedLifetime(first) {}
    }
}
