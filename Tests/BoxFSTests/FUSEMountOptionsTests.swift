@testable import BoxFS
import XCTest

final class FUSEMountOptionsTests: XCTestCase {
    func testParsesKernelAndOwnershipOptions() throws {
        let options = try MountOptions(parsing: [
            "ro", "allow_other", "auto_unmount", "default_permissions", "noatime", "fsname=box:work,team", "uid=1000", "gid=100", "umask=027", "max_read=131072",
        ])
        XCTAssertTrue(options.readOnly)
        XCTAssertTrue(options.allowOther)
        XCTAssertEqual(options.flags, ["noatime"])
        XCTAssertEqual(options.ownerUID, 1000)
        XCTAssertEqual(options.ownerGID, 100)
        XCTAssertEqual(options.umask, 0o027)
        XCTAssertEqual(options.maxRead, 131072)
        // Ownership stays with boxfs; commas in values are escaped for libfuse's -o splitting.
        XCTAssertEqual(options.libfuseArguments, [
            "boxfs", "-o", "fsname=box:work\\,team,subtype=boxfs,default_permissions,allow_other,auto_unmount,ro,max_read=131072,noatime",
        ])
    }

    func testDefaultsAreReadWriteWithDefaultPermissions() throws {
        XCTAssertEqual(try MountOptions(parsing: []).libfuseArguments, ["boxfs", "-o", "fsname=boxfs,subtype=boxfs,default_permissions,rw,max_read=1028096"])
    }

    func testRejectsUnknownOptionsAndBadValues() {
        XCTAssertThrowsError(try MountOptions(parsing: ["nosuchoption"])) {
            XCTAssertEqual($0 as? MountOptionsError, .unknownOption("nosuchoption"))
        }
        XCTAssertThrowsError(try MountOptions(parsing: ["uid=bob"])) {
            XCTAssertEqual($0 as? MountOptionsError, .invalidValue(option: "uid=bob"))
        }
        XCTAssertThrowsError(try MountOptions(parsing: ["umask=999"])) {
            XCTAssertEqual($0 as? MountOptionsError, .invalidValue(option: "umask=999"))
        }
        XCTAssertThrowsError(try MountOptions(parsing: ["ro=1"]))
    }
}
