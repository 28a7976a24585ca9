import XCTest
final class BoxEmulatorTestsPlaceholder: XCTestCase { func testNothing() {} }
