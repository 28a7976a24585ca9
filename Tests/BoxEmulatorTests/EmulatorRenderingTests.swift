@testable import BoxEmulator
import Foundation
import XCTest

/// The hand-written formatting the emulator's listings go through (kept fast because every benchmark's listings
/// pass through it; these pin down that fast is still right).
final class EmulatorRenderingTests: XCTestCase {
    func testDatesAreRFC3339InTheEmulatorsFixedZone() {
        XCTAssertEqual(BoxDate.format(Date(timeIntervalSince1970: 0)), "1969-12-31T16:00:00-08:00")
        XCTAssertEqual(BoxDate.format(Date(timeIntervalSince1970: 1_714_582_805.9)), "2024-05-01T09:00:05-08:00")
        XCTAssertEqual(BoxDate.format(Date(timeIntervalSince1970: -62_135_596_800 + 86_400 * 400)),
                       "0002-02-04T16:00:00-08:00")
    }

    func testDatesRoundTripThroughParse() {
        let date = Date(timeIntervalSince1970: 1_790_000_123)
        XCTAssertEqual(BoxDate.parse(BoxDate.format(date)), date)
    }

    func testStringsAreEscapedOnlyWhereJSONNeedsIt() throws {
        let names = ["plain.txt", "naïve ✓ 日本.txt", "quote\"back\\slash", "tab\tnew\nline\r", "bell\u{07}del\u{7F}"]
        let value = JSONValue.array(names.map { .string($0) })
        let text = String(decoding: value.serialized(), as: UTF8.self)
        XCTAssertTrue(text.hasPrefix(#"["plain.txt","naïve ✓ 日本.txt","quote\"back\\slash","tab\tnew\nline\r""#), text)
        XCTAssertTrue(text.contains(#""bell\u0007del\u007f""#), text)
        XCTAssertEqual(try JSONSerialization.jsonObject(with: value.serialized()) as? [String], names)
    }
}
