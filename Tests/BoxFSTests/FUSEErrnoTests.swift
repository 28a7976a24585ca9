import BoxFS
import XCTest

/// Errors thrown by the filesystem reach the calling process as the right errno, and the kernel's own
/// refusals (read-only mounts) never reach the filesystem.
final class FUSEErrnoTests: XCTestCase {
    func testFileSystemErrorsReachTheCaller() throws {
        let mount = try FUSETestMount()
        defer { mount.tearDown() }
        try XCTAssertEqual(mount.run("/bin/mkdir", [mount.path("dir")]).status, 0)
        try XCTAssertEqual(mount.sh("echo x > \(mount.path("dir/file"))").status, 0)

        let missing = try mount.run("/bin/cat", [mount.path("missing")])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.error.contains("No such file or directory"), missing.error)

        let exists = try mount.run("/bin/mkdir", [mount.path("dir")])
        XCTAssertTrue(exists.error.contains("File exists"), exists.error)

        let notEmpty = try mount.run("/bin/rmdir", [mount.path("dir")])
        XCTAssertTrue(notEmpty.error.contains("Directory not empty"), notEmpty.error)

        let symlink = try mount.run("/bin/ln", ["-s", "target", mount.path("link")])
        XCTAssertTrue(symlink.error.contains("Operation not permitted"), symlink.error)

        let hardLink = try mount.run("/bin/ln", [mount.path("dir/file"), mount.path("hard")])
        XCTAssertTrue(hardLink.error.contains("Operation not permitted"), hardLink.error)
    }

    func testErrorsOtherThanFUSEErrorBecomeEIO() throws {
        let mount = try FUSETestMount()
        defer { mount.tearDown() }
        try XCTAssertEqual(mount.sh("echo x > \(mount.path(FUSEMemoryFileSystem.brokenFileName))").status, 0)
        let read = try mount.run("/bin/cat", [mount.path(FUSEMemoryFileSystem.brokenFileName)])
        XCTAssertTrue(read.error.contains("Input/output error"), read.error)
    }

    func testRenameFlagsReachTheFileSystem() throws {
        let mount = try FUSETestMount()
        defer { mount.tearDown() }
        try XCTAssertEqual(mount.sh("echo one > \(mount.path("one")); echo two > \(mount.path("two"))").status, 0)

        XCTAssertEqual(try renameat2(mount, "one", "two", flags: 1), "File exists")  // RENAME_NOREPLACE
        XCTAssertEqual(try mount.run("/bin/cat", [mount.path("two")]).text, "two\n")

        XCTAssertEqual(try renameat2(mount, "one", "two", flags: 2), "ok")  // RENAME_EXCHANGE
        XCTAssertEqual(try mount.run("/bin/cat", [mount.path("one"), mount.path("two")]).text, "two\none\n")
    }

    /// Calls renameat2(2) (no coreutils tool passes its flags) and answers "ok" or the error text.
    private func renameat2(_ mount: FUSETestMount, _ from: String, _ to: String, flags: Int) throws -> String {
        let script = """
            import ctypes, os, sys
            libc = ctypes.CDLL(None, use_errno=True)
            result = libc.renameat2(-100, sys.argv[1].encode(), -100, sys.argv[2].encode(), int(sys.argv[3]))
            print("ok" if result == 0 else os.strerror(ctypes.get_errno()), end="")
            """
        let result = try mount.run("/usr/bin/env", ["python3", "-c", script, mount.path(from), mount.path(to), String(flags)])
        XCTAssertEqual(result.status, 0, result.error)
        return result.text
    }

    func testReadOnlyMountRefusesWritesWithEROFS() throws {
        let mount = try FUSETestMount(options: ["ro"])
        defer { mount.tearDown() }

        let touch = try mount.run("/usr/bin/touch", [mount.path("new")])
        XCTAssertTrue(touch.error.contains("Read-only file system"), touch.error)
        let mkdir = try mount.run("/bin/mkdir", [mount.path("dir")])
        XCTAssertTrue(mkdir.error.contains("Read-only file system"), mkdir.error)
        XCTAssertEqual(mount.fileSystem.createCount, 0)
        XCTAssertTrue(try mount.run("/bin/grep", [" \(mount.mountpoint) fuse.boxfs ro,", "/proc/mounts"]).status == 0)
    }
}
