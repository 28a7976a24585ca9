import BoxFS
import XCTest

/// Extended attributes through a real mount, including the size probe and `ERANGE` retry that the
/// bridge answers on the filesystem's behalf.
final class FUSEExtendedAttributeTests: XCTestCase {
    func testSetGetListAndRemove() throws {
        let mount = try FUSETestMount()
        defer { mount.tearDown() }
        let file = mount.path("tagged")
        try XCTAssertEqual(mount.sh("echo x > \(file)").status, 0)

        try XCTAssertEqual(mount.run("/usr/bin/setfattr", ["-n", "user.color", "-v", "blue", file]).status, 0)
        try XCTAssertEqual(mount.run("/usr/bin/setfattr", ["-n", "user.shape", "-v", "round", file]).status, 0)
        XCTAssertEqual(try mount.run("/usr/bin/getfattr", ["--only-values", "-n", "user.color", file]).text, "blue")

        let dump = try mount.run("/usr/bin/getfattr", ["-d", "--absolute-names", file])
        XCTAssertEqual(dump.text, "# file: \(file)\nuser.color=\"blue\"\nuser.shape=\"round\"\n\n", dump.error)

        let missing = try mount.run("/usr/bin/getfattr", ["-n", "user.missing", file])
        XCTAssertTrue(missing.error.contains("No such attribute"), missing.error)

        try XCTAssertEqual(mount.run("/usr/bin/setfattr", ["-x", "user.color", file]).status, 0)
        XCTAssertEqual(try mount.run("/usr/bin/getfattr", ["-d", "--absolute-names", file]).text, "# file: \(file)\nuser.shape=\"round\"\n\n")
    }

    func testValueLargerThanTheCallersFirstBufferIsRetried() throws {
        let mount = try FUSETestMount()
        defer { mount.tearDown() }
        let file = mount.path("big-attribute")
        try XCTAssertEqual(mount.sh("echo x > \(file)").status, 0)
        let value = String(repeating: "v", count: 1000)
        try XCTAssertEqual(mount.run("/usr/bin/setfattr", ["-n", "user.long", "-v", value, file]).status, 0)

        // Python's os.getxattr starts with a 128-byte buffer and grows it on ERANGE; a wrong size probe or
        // ERANGE answer shows up as an error or a truncated value.
        let script = "import os, sys; print(os.getxattr(sys.argv[1], 'user.long').decode(), end='')"
        let read = try mount.run("/usr/bin/env", ["python3", "-c", script, file])
        XCTAssertEqual(read.text, value, read.error)
    }
}
