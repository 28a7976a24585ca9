import XCTest
final class BoxFSTestsPlaceholder: XCTestCase { func testNothing() {} }
