import BoxFS
import Foundation
import Logging
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// What an external tool did.
struct ToolResult {
    var status: Int32
    var reason: Process.TerminationReason
    var output: Data
    var error: String
    var text: String { String(decoding: output, as: UTF8.self) }
}

/// A real FUSE mount of a ``FUSEMemoryFileSystem`` in a temporary directory, driven with ordinary tools.
///
/// Mount failures (including a missing /dev/fuse) throw, failing the test: these tests never skip.
final class FUSETestMount {
    let root: URL
    let mountpoint: String
    let fileSystem: FUSEMemoryFileSystem
    let session: FUSESession

    init(options: [String] = [], readdirPlus: Bool = true, cacheTimeout: TimeInterval = 1, negativeLookupTimeout: TimeInterval = 0) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("boxfs-fuse-\(UUID().uuidString)")
        let mountpoint = root.appendingPathComponent("mnt")
        try FileManager.default.createDirectory(at: mountpoint, withIntermediateDirectories: true)
        self.mountpoint = mountpoint.path
        fileSystem = FUSEMemoryFileSystem(
            readdirPlus: readdirPlus, cacheTimeout: cacheTimeout, negativeLookupTimeout: negativeLookupTimeout)
        var logger = Logger(label: "boxfs.fuse.test")
        logger.logLevel = .warning
        session = try FUSESession.mount(
            at: mountpoint.path, options: try MountOptions(parsing: options), operations: fileSystem, logger: logger)
    }

    /// Unmounts if a test did not (stale mounts too), then removes the temporary directory.
    func tearDown() {
        if isMounted(mountpoint) {
            try? session.unmount()
        }
        XCTAssertNotNil(session.waitUntilEnded(timeout: 10), "the session outlived its unmount")
        try? FileManager.default.removeItem(at: root)
    }

    /// A path inside the mount.
    func path(_ relative: String) -> String { mountpoint + "/" + relative }

    /// A path in the temporary directory, outside the mount.
    func scratch(_ name: String) -> String { root.appendingPathComponent(name).path }

    /// Runs a tool to completion (killing it after `timeout`) and collects its output.
    @discardableResult
    func run(_ executable: String, _ arguments: [String], timeout: TimeInterval = 60) throws -> ToolResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        // Error messages are asserted on, so keep them in English.
        process.environment = ProcessInfo.processInfo.environment.merging(["LC_ALL": "C"]) { $1 }
        let output = Pipe()
        let errorFile = scratch("stderr-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: errorFile, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errorFile) }
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorFile))
        try process.run()
        let watchdog = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        let error = (try? String(contentsOfFile: errorFile, encoding: .utf8)) ?? ""
        return ToolResult(status: process.terminationStatus, reason: process.terminationReason, output: data, error: error)
    }

    /// Runs a shell command line.
    @discardableResult
    func sh(_ command: String, timeout: TimeInterval = 60) throws -> ToolResult {
        try run("/bin/sh", ["-c", command], timeout: timeout)
    }
}

/// Whether `path` is a mount point according to the kernel.
func isMounted(_ path: String) -> Bool {
    let mounts = (try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)) ?? ""
    return mounts.split(separator: "\n").contains { $0.split(separator: " ").dropFirst().first == Substring(path) }
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(timeout: TimeInterval = 10, _ condition: () -> Bool) -> Bool {
    let deadline = Date(timeIntervalSinceNow: timeout)
    while Date() < deadline {
        if condition() { return true }
        usleep(20_000)
    }
    return condition()
}
