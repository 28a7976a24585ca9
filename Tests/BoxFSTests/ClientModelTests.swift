@testable import BoxFS
import Cache
import Foundation
import XCTest

/// Decoding of Box's JSON shapes the emulator doesn't produce (other zones, float sizes, web links).
final class ClientModelTests: XCTestCase {
    private func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try BoxJSON.decoder().decode(T.self, from: Data(json.utf8))
    }

    func testItemWithZoneOffsetsAndFloatSize() throws {
        let item = try decode(BoxItem.self, """
            {"type":"folder","id":"2002","etag":"0","sequence_id":"0","name":"docs","size":1.0e+18,
             "created_at":"2024-05-01T10:00:00-07:00","modified_at":"2013-04-17T09:12:36.123-00:00",
             "content_modified_at":"2024-05-01T17:00:00Z","parent":{"type":"folder","id":"0","name":"All Files"},
             "item_status":"active"}
            """)
        XCTAssertEqual(item.kind, .folder)
        XCTAssertEqual(item.parentID, .root)
        XCTAssertEqual(item.size, 1_000_000_000_000_000_000)
        XCTAssertEqual(item.createdAt, item.contentModifiedAt)
        XCTAssertEqual(item.createdAt?.timeIntervalSince1970, 1_714_582_800)
        XCTAssertEqual(try XCTUnwrap(item.modifiedAt?.timeIntervalSince1970), 1_366_189_956.123, accuracy: 0.0005)
    }

    func testDateRoundTripAndRejects() throws {
        let date = Date(timeIntervalSince1970: 1_700_000_000)
        XCTAssertEqual(RFC3339.format(date), "2023-11-14T22:13:20+00:00")
        XCTAssertEqual(RFC3339.parse(RFC3339.format(date)), date)
        XCTAssertNil(RFC3339.parse("2023-11-14 22:13"))
        XCTAssertNil(RFC3339.parse("2023-11-14T22:13:20"))
    }

    func testListingPageSkipsWebLinksAndEndsOnEmptyMarker() throws {
        let page = try decode(BoxItemPage.self, """
            {"limit":1000,"next_marker":"","entries":[
              {"type":"folder","id":"1","etag":"0","name":"a"},
              {"type":"web_link","id":"2","etag":"0","name":"site","url":"https://example.com"},
              {"type":"file","id":"3","etag":"1","name":"b","sha1":"ABC","file_version":{"type":"file_version","id":"9"}}]}
            """)
        XCTAssertEqual(page.items.map(\.id), ["1", "3"])
        XCTAssertEqual(page.items.last?.sha1, "abc")
        XCTAssertEqual(page.items.last?.fileVersionID, "9")
        XCTAssertNil(page.nextMarker)
    }

    func testConflictsAsArrayAndAsObject() throws {
        let folderConflict = try decode(BoxErrorBody.self, """
            {"type":"error","status":409,"code":"item_name_in_use","message":"exists","request_id":"r1",
             "context_info":{"conflicts":[{"type":"folder","id":"2002","etag":"0","name":"docs"}]}}
            """)
        XCTAssertEqual(folderConflict.conflicts.first?.id, "2002")
        XCTAssertEqual(folderConflict.conflicts.first?.kind, .folder)
        let fileConflict = try decode(BoxErrorBody.self, """
            {"type":"error","status":409,"code":"item_name_in_use",
             "context_info":{"conflicts":{"type":"file","id":"1001","sha1":"da39","name":"a.txt"}}}
            """)
        XCTAssertEqual(fileConflict.conflicts.first?.id, "1001")
        XCTAssertEqual(fileConflict.conflicts.first?.sha1, "da39")
        guard case .nameConflict(let existing?, _) = BoxAPIError.from(status: 409, body: fileConflict) else {
            return XCTFail("409 item_name_in_use should be a name conflict")
        }
        XCTAssertEqual(existing.id, "1001")
    }

    func testEventPositionIsANumberOrText() throws {
        let page = try decode(EventPage.self, """
            {"chunk_size":0,"next_stream_position":1152922976252290886,"entries":[]}
            """)
        XCTAssertEqual(page.nextStreamPosition.rawValue, "1152922976252290886")
        let server = try decode(RealtimeServer.self, """
            {"type":"realtime_server","url":"http://x/subscribe?channel=1","ttl":"10","max_retries":"10","retry_timeout":610}
            """)
        XCTAssertEqual(server.maxRetries, 10)
        XCTAssertEqual(server.retryTimeout, 610)
    }

    func testDigestRenderings() {
        let digest = SHA1Hasher.digest(.init(string: "hello"))
        XCTAssertEqual(digest.hex, "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d")
        XCTAssertEqual(digest.base64, "qvTGHdzF6KLavt4PO0gs2a6pQ00=")
    }
}
