import Cache
import Foundation
import XCTest
@testable import BoxFS

final class VersionSwitchesTests: XCTestCase {
    private func record(version: String) -> ItemRecord {
        let now = Date()
        return ItemRecord(
            id: ItemID("42"), parentID: ItemID("0"), name: "f", kind: .file, size: 3, fileVersionID: version,
            modifiedAt: now, createdAt: now, fetchedAt: now)
    }

    func testTheVersionBeforeASwitchStandsUntilEverySwitchOfTheInodeEnds() {
        let switches = VersionSwitches()
        let inode: Inode = 7
        XCTAssertNil(switches.previous(of: inode))
        switches.begin(inode, previous: record(version: "v1"))
        // A second event for the same file while the first is applied keeps the version the kernel may hold.
        switches.begin(inode, previous: record(version: "v2"))
        XCTAssertEqual(switches.previous(of: inode)?.fileVersionID, "v1")
        XCTAssertNil(switches.previous(of: 8))
        switches.end(inode)
        XCTAssertEqual(switches.previous(of: inode)?.fileVersionID, "v1")
        switches.end(inode)
        XCTAssertNil(switches.previous(of: inode))
        switches.end(inode)  // an extra end is harmless
        XCTAssertNil(switches.previous(of: inode))
    }
}
