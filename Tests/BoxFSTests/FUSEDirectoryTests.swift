import BoxFS
import XCTest

/// Directories through a real mount: listings larger than one kernel buffer, with readdir and
/// readdirplus, and the namespace operations.
final class FUSEDirectoryTests: XCTestCase {
    /// Enough for two 128 KiB kernel buffers even with plain readdir's small records (and many 4 KiB ones
    /// on older kernels), so packing must stop at the right entry and resume at the right offset.
    private let count = 5000

    private var expectedNames: [String] { (0..<count).map { String(format: "file-%05d", $0) } }

    func testListingManyEntriesWithReaddirPlus() throws {
        try checkLargeListing(readdirPlus: true)
    }

    func testListingManyEntriesWithPlainReaddir() throws {
        try checkLargeListing(readdirPlus: false)
    }

    private func checkLargeListing(readdirPlus: Bool) throws {
        let mount = try FUSETestMount(readdirPlus: readdirPlus)
        defer { mount.tearDown() }
        mount.fileSystem.populate(directory: "many", files: count)

        // -f: unsorted, straight from getdents, so duplicates or gaps between buffers would show.
        let listing = try mount.run("/bin/ls", ["-f", "-a", mount.path("many")])
        XCTAssertEqual(listing.status, 0, listing.error)
        let names = listing.text.split(separator: "\n").map(String.init)
        XCTAssertEqual(names, [".", ".."] + expectedNames)

        // Every entry's attributes are usable (from readdirplus or from lookups).
        let long = try mount.run("/bin/ls", ["-l", mount.path("many")])
        XCTAssertEqual(long.status, 0, long.error)
        let sizes = long.text.split(separator: "\n").dropFirst().map { String($0.split(separator: " ")[4]) }
        XCTAssertEqual(sizes, (0..<count).map { "\("content of \($0)\n".utf8.count)" })
        XCTAssertEqual(try mount.run("/bin/cat", [mount.path("many/file-01499")]).text, "content of 1499\n")
    }

    func testMakeMoveAndRemoveDirectories() throws {
        let mount = try FUSETestMount()
        defer { mount.tearDown() }

        try XCTAssertEqual(mount.run("/bin/mkdir", ["-p", mount.path("a/b/c")]).status, 0)
        try XCTAssertEqual(mount.sh("echo data > \(mount.path("a/b/c/file"))").status, 0)
        try XCTAssertEqual(mount.run("/bin/mv", [mount.path("a/b"), mount.path("moved")]).status, 0)
        XCTAssertEqual(try mount.run("/bin/cat", [mount.path("moved/c/file")]).text, "data\n")
        XCTAssertEqual(try mount.run("/bin/ls", [mount.path("a")]).text, "")

        try XCTAssertEqual(mount.run("/bin/mv", [mount.path("moved/c/file"), mount.path("renamed")]).status, 0)
        XCTAssertEqual(mount.fileSystem.content(at: ["renamed"]), Array("data\n".utf8))
        try XCTAssertEqual(mount.run("/bin/rm", ["-r", mount.path("moved"), mount.path("a"), mount.path("renamed")]).status, 0)
        XCTAssertEqual(try mount.run("/bin/ls", ["-A", mount.mountpoint]).text, "")
    }
}
