import BoxFS
import XCTest

/// Remote changes reach processes despite the kernel's caches once the filesystem invalidates them.
final class FUSEInvalidationTests: XCTestCase {
    func testInvalidatedAttributesAreFetchedAgain() throws {
        let mount = try FUSETestMount(cacheTimeout: 600)
        defer { mount.tearDown() }
        try XCTAssertEqual(mount.sh("echo x > \(mount.path("file"))").status, 0)
        // The write left the size stale; this stat caches it again (stat(1) asks only for what it prints).
        let fresh = try mount.run("/usr/bin/stat", ["-c", "%s %i", mount.path("file")]).text.split(separator: " ")
        XCTAssertEqual(fresh.first, "2")
        let inode = try XCTUnwrap(UInt64(fresh.last?.dropLast() ?? ""))
        mount.fileSystem.replaceBehindKernel("file", content: "changed remotely\n")
        XCTAssertEqual(try mount.run("/usr/bin/stat", ["-c", "%s", mount.path("file")]).text, "2\n", "the kernel should still trust its cache")

        mount.session.invalidate(inode: inode)
        XCTAssertEqual(try mount.run("/usr/bin/stat", ["-c", "%s", mount.path("file")]).text, "17\n")
        XCTAssertEqual(try mount.run("/bin/cat", [mount.path("file")]).text, "changed remotely\n")
    }

    func testInvalidatedNamesAreLookedUpAgain() throws {
        let mount = try FUSETestMount(cacheTimeout: 600)
        defer { mount.tearDown() }
        try XCTAssertEqual(mount.sh("echo x > \(mount.path("file"))").status, 0)
        XCTAssertNotNil(mount.fileSystem.removeBehindKernel("file"))
        XCTAssertEqual(try mount.run("/usr/bin/stat", ["-c", "%s", mount.path("file")]).status, 0, "the kernel should still trust its cache")

        mount.session.invalidateEntry(parent: 1, name: "file")
        let stat = try mount.run("/usr/bin/stat", [mount.path("file")])
        XCTAssertTrue(stat.error.contains("No such file or directory"), stat.error)
    }

    func testMissingNamesAreNotRememberedByDefault() throws {
        let mount = try FUSETestMount(cacheTimeout: 600)
        defer { mount.tearDown() }
        XCTAssertNotEqual(try mount.run("/usr/bin/stat", [mount.path("late")]).status, 0)
        mount.fileSystem.addBehindKernel("late")
        XCTAssertEqual(try mount.run("/usr/bin/stat", [mount.path("late")]).status, 0)
    }

    func testMissingNamesAreRememberedUntilInvalidatedWhenAsked() throws {
        let mount = try FUSETestMount(cacheTimeout: 600, negativeLookupTimeout: 600)
        defer { mount.tearDown() }
        let missing = try mount.run("/usr/bin/stat", [mount.path("late")])
        XCTAssertTrue(missing.error.contains("No such file or directory"), missing.error)
        mount.fileSystem.addBehindKernel("late")
        XCTAssertNotEqual(try mount.run("/usr/bin/stat", [mount.path("late")]).status, 0, "the kernel should remember the absence")

        mount.session.invalidateEntry(parent: 1, name: "late")
        XCTAssertEqual(try mount.run("/usr/bin/stat", [mount.path("late")]).status, 0)
        XCTAssertEqual(mount.fileSystem.lookupBalance.overForgotten, [])
    }

    func testCachedListingsAreServedByTheKernelUntilInvalidated() throws {
        let mount = try FUSETestMount(cacheTimeout: 600)
        defer { mount.tearDown() }
        mount.fileSystem.cacheListings = true
        try XCTAssertEqual(mount.sh("echo x > \(mount.path("first"))").status, 0)
        XCTAssertEqual(try mount.run("/bin/ls", [mount.mountpoint]).text, "first\n")
        let readdirs = mount.fileSystem.readdirCount

        mount.fileSystem.addBehindKernel("second")
        XCTAssertEqual(try mount.run("/bin/ls", [mount.mountpoint]).text, "first\n")
        XCTAssertEqual(mount.fileSystem.readdirCount, readdirs, "the second listing should come from the kernel's cache")

        mount.session.invalidate(inode: 1)
        XCTAssertEqual(try mount.run("/bin/ls", [mount.mountpoint]).text, "first\nsecond\n")
    }
}
