import BoxFS
import XCTest

/// Files through a real mount: create, write, read, truncate, stat, large transfers, ownership overrides.
/// Synchronous tests on purpose: the test thread blocks in file I/O while the filesystem runs on the
/// Swift concurrency pool, which must not be starved.
final class FUSEFileTests: XCTestCase {
    func testWriteReadAndStatSmallFile() throws {
        let mount = try FUSETestMount()
        defer { mount.tearDown() }

        try XCTAssertEqual(mount.sh("echo hello > \(mount.path("greeting"))").status, 0)
        XCTAssertEqual(try mount.run("/bin/cat", [mount.path("greeting")]).text, "hello\n")
        XCTAssertEqual(mount.fileSystem.content(at: ["greeting"]), Array("hello\n".utf8))

        let stat = try mount.run("/usr/bin/stat", ["-c", "%s %F %a", mount.path("greeting")])
        XCTAssertEqual(stat.text, "6 regular file 644\n", stat.error)

        try XCTAssertEqual(mount.sh("echo more >> \(mount.path("greeting"))").status, 0)
        XCTAssertEqual(try mount.run("/bin/cat", [mount.path("greeting")]).text, "hello\nmore\n")

        try XCTAssertEqual(mount.run("/usr/bin/truncate", ["-s", "2", mount.path("greeting")]).status, 0)
        XCTAssertEqual(try mount.run("/bin/cat", [mount.path("greeting")]).text, "he")

        try XCTAssertEqual(mount.run("/bin/chmod", ["600", mount.path("greeting")]).status, 0)
        XCTAssertEqual(try mount.run("/usr/bin/stat", ["-c", "%a", mount.path("greeting")]).text, "600\n")

        try XCTAssertEqual(mount.run("/usr/bin/touch", ["-d", "2001-02-03 04:05:06.789 UTC", mount.path("greeting")]).status, 0)
        XCTAssertEqual(try mount.run("/usr/bin/stat", ["-c", "%Y", mount.path("greeting")]).text, "981173106\n")
    }

    func testLargeFileRoundTripsByteForByte() throws {
        let mount = try FUSETestMount()
        defer { mount.tearDown() }
        let source = mount.scratch("source")
        try XCTAssertEqual(mount.run("/bin/dd", ["if=/dev/urandom", "of=\(source)", "bs=1M", "count=3", "status=none"]).status, 0)

        let copy = try mount.run("/bin/dd", ["if=\(source)", "of=\(mount.path("big"))", "bs=256k", "conv=fsync", "status=none"])
        XCTAssertEqual(copy.status, 0, copy.error)
        XCTAssertEqual(mount.fileSystem.content(at: ["big"]).map { Data($0) }, FileManager.default.contents(atPath: source))

        // Read back through the kernel with 1 MiB requests, bypassing nothing: cmp compares every byte.
        let compare = try mount.run("/usr/bin/cmp", [source, mount.path("big")])
        XCTAssertEqual(compare.status, 0, compare.text + compare.error)
        let read = try mount.run("/bin/dd", ["if=\(mount.path("big"))", "bs=1M", "status=none"])
        XCTAssertEqual(read.output.count, 3 << 20)
        XCTAssertEqual(read.output, FileManager.default.contents(atPath: source))
    }

    func testAGivenMaxReadMountsAndReadsInPiecesOfThatSize() throws {
        // libfuse refuses a session whose init doesn't repeat the max_read mount option (EPROTO at the first request).
        let mount = try FUSETestMount(options: ["max_read=131072"])
        defer { mount.tearDown() }
        let source = mount.scratch("source")
        try XCTAssertEqual(mount.run("/bin/dd", ["if=/dev/urandom", "of=\(source)", "bs=1M", "count=2", "status=none"]).status, 0)
        try XCTAssertEqual(mount.run("/bin/cp", [source, mount.path("copy")]).status, 0)
        let compare = try mount.run("/usr/bin/cmp", [source, mount.path("copy")])
        XCTAssertEqual(compare.status, 0, compare.text + compare.error)
    }

    func testConcurrentReadersAndWritersAllGetTheirAnswers() throws {
        let mount = try FUSETestMount()
        defer { mount.tearDown() }
        // 64 processes at once: each request is its own task, replies come from whichever thread ran it.
        let script = "cd \(mount.mountpoint) && for i in $(seq 1 64); do (echo \"file $i\" > f$i && cat f$i) & done; wait"
        let result = try mount.sh(script)
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertEqual(Set(result.text.split(separator: "\n").map(String.init)), Set((1...64).map { "file \($0)" }))
        for index in 1...64 {
            XCTAssertEqual(mount.fileSystem.content(at: ["f\(index)"]), Array("file \(index)\n".utf8))
        }
    }

    func testOwnershipOptionsOverrideReportedAttributes() throws {
        let mount = try FUSETestMount(options: ["uid=1234", "gid=2345", "umask=027"])
        defer { mount.tearDown() }
        try XCTAssertEqual(mount.sh("echo x > \(mount.path("owned"))").status, 0)
        let stat = try mount.run("/usr/bin/stat", ["-c", "%u %g %a", mount.path("owned"), mount.mountpoint])
        XCTAssertEqual(stat.text, "1234 2345 640\n1234 2345 750\n", stat.error)
    }

    func testStatfsReachesTheFileSystem() throws {
        let mount = try FUSETestMount()
        defer { mount.tearDown() }
        let df = try mount.run("/usr/bin/stat", ["-f", "-c", "%S %b %a %c %d", mount.mountpoint])
        XCTAssertEqual(df.text, "4096 1048576 524288 1000 900\n", df.error)
    }
}
