@testable import BoxFS
import XCTest

final class TemporaryFileNamesTests: XCTestCase {
    func testRsyncTemporaryNamesAwaitTheirRename() {
        for name in [".f00238.dat.aB3xYz", ".notes.txt.000000", ".a.ZZZZZZ", "..x.123abc"] {
            XCTAssertTrue(TemporaryFileNames.awaitsRename(name), name)
        }
    }

    func testOtherNamesAreUploadedAtClose() {
        for name in [
            "f00238.dat.aB3xYz",  // not hidden
            ".aB3xYz",  // no stem
            "..aB3xYz",  // empty stem
            ".f.tmp", ".notes.swp", ".x.abcdefg",  // not six characters
            ".x.ab-dé", ".x.ab cde", ".x.abcdé",  // not letters and digits
            ".", "", "plain",
        ] {
            XCTAssertFalse(TemporaryFileNames.awaitsRename(name), name)
        }
    }
}
