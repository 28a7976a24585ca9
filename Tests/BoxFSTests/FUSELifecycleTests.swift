import BoxFS
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Mount and unmount: clean unmounts, lookup counts after the kernel lets go, signals, stale mounts.
final class FUSELifecycleTests: XCTestCase {
    func testUnmountIsCleanAndForgetsBalanceLookups() throws {
        let mount = try FUSETestMount()
        defer { mount.tearDown() }
        // More entries than one 128 KiB readdirplus buffer holds, so some handed-out entries come back unused.
        mount.fileSystem.populate(directory: "listed", files: 2000)
        try XCTAssertEqual(mount.run("/bin/mkdir", [mount.path("made")]).status, 0)
        try XCTAssertEqual(mount.sh("echo x > \(mount.path("made/file")); cat \(mount.path("made/file")) >/dev/null").status, 0)
        try XCTAssertEqual(mount.run("/bin/ls", ["-lR", mount.mountpoint]).status, 0)
        try XCTAssertEqual(mount.run("/usr/bin/stat", [mount.path("listed/file-00007"), mount.path("missing")]).status, 1)
        XCTAssertGreaterThan(mount.fileSystem.lookupBalance.outstanding.count, 2000, "the kernel should hold lookups now")

        // Make the kernel drop its unused dentries and inodes: each eviction sends a forget. (At unmount
        // the kernel forgets everything without telling the filesystem.)
        try XCTAssertEqual(mount.sh("echo 2 > /proc/sys/vm/drop_caches").status, 0)
        XCTAssertTrue(eventually { mount.fileSystem.lookupBalance.outstanding.isEmpty },
                      "lookups never forgotten: \(mount.fileSystem.lookupBalance.outstanding.sorted { $0.key < $1.key }.prefix(10))")
        XCTAssertEqual(mount.fileSystem.lookupBalance.overForgotten, [])

        try mount.session.unmount()
        XCTAssertEqual(mount.session.waitUntilEnded(timeout: 10), .unmounted)
        XCTAssertFalse(isMounted(mount.mountpoint))
        try mount.session.unmount()  // already gone: nothing to do
    }

    func testRequestsAnsweredOnTheFUSEThreadCountAndFailLikeOthers() throws {
        let mount = try FUSETestMount(negativeLookupTimeout: 5)
        defer { mount.tearDown() }
        mount.fileSystem.answersImmediately = true
        mount.fileSystem.populate(directory: "listed", files: 300)
        try XCTAssertEqual(mount.run("/usr/bin/stat", [mount.path("listed/file-00007")]).status, 0)
        let missing = try mount.run("/usr/bin/stat", [mount.path("listed/missing")])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.error.contains("No such file or directory"), missing.error)
        try XCTAssertEqual(mount.run("/usr/bin/find", [mount.mountpoint, "-type", "f", "-size", "-1k"]).status, 0)
        try XCTAssertEqual(mount.run("/bin/ls", ["-lR", mount.mountpoint]).status, 0)
        XCTAssertGreaterThan(mount.fileSystem.readdirCount, 2)
        XCTAssertEqual(mount.fileSystem.lookupPaths.task, 0, "every lookup could be answered at once")
        XCTAssertGreaterThan(mount.fileSystem.lookupPaths.immediate, 2)
        XCTAssertFalse(mount.fileSystem.lookupBalance.outstanding.isEmpty, "the kernel should hold lookups now")

        try XCTAssertEqual(mount.sh("echo 2 > /proc/sys/vm/drop_caches").status, 0)
        XCTAssertTrue(eventually { mount.fileSystem.lookupBalance.outstanding.isEmpty },
                      "lookups never forgotten: \(mount.fileSystem.lookupBalance.outstanding.prefix(10))")
        XCTAssertEqual(mount.fileSystem.lookupBalance.overForgotten, [])
    }

    func testAutoUnmountMountsThroughTheHelperAndUnmountsCleanly() throws {
        let mount = try FUSETestMount(options: ["auto_unmount"])
        defer { mount.tearDown() }
        try XCTAssertEqual(mount.sh("echo x > \(mount.path("file"))").status, 0)
        XCTAssertEqual(mount.fileSystem.content(at: ["file"]), Array("x\n".utf8))
        try mount.session.unmount()
        XCTAssertEqual(mount.session.waitUntilEnded(timeout: 10), .unmounted)
        XCTAssertFalse(isMounted(mount.mountpoint))
    }

    func testUnmountsOnSignal() throws {
        let mount = try FUSETestMount()
        defer { mount.tearDown() }
        mount.session.unmountOnSignals([SIGUSR2])
        kill(getpid(), SIGUSR2)
        XCTAssertEqual(mount.session.waitUntilEnded(timeout: 10), .unmounted)
        XCTAssertFalse(isMounted(mount.mountpoint))
    }

    func testAbortedConnectionLeavesAStaleMountThatIsReported() throws {
        let mount = try FUSETestMount()
        defer { mount.tearDown() }
        let connection = try XCTUnwrap(connectionNumber(of: mount.mountpoint))
        try XCTAssertEqual(mount.sh("""
            grep -q fusectl /proc/mounts || mount -t fusectl none /sys/fs/fuse/connections
            echo 1 > /sys/fs/fuse/connections/\(connection)/abort
            """).status, 0)

        XCTAssertEqual(mount.session.waitUntilEnded(timeout: 10), .aborted)
        XCTAssertTrue(isMounted(mount.mountpoint))
        XCTAssertThrowsError(try FUSESession.mount(at: mount.mountpoint, operations: FUSEMemoryFileSystem(readdirPlus: false))) {
            XCTAssertEqual($0 as? FUSESessionError, .staleMount(path: mount.mountpoint))
            XCTAssertTrue("\($0)".contains("fusermount3 -u \(mount.mountpoint)"), "\($0)")
        }
        try mount.session.unmount()  // the session is over, but its stale mount can still be cleared
        XCTAssertFalse(isMounted(mount.mountpoint))
    }

    /// The fusectl connection number is the minor device number of the mount.
    private func connectionNumber(of mountpoint: String) -> String? {
        let mountInfo = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        for line in mountInfo.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count > 4, fields[4] == Substring(mountpoint) {
                return fields[2].split(separator: ":").last.map(String.init)
            }
        }
        return nil
    }
}
