import Foundation

/// The paging parameters of `GET /folders/{id}/items`.
struct ListingQuery: Sendable {
    var fields: FieldSelection = .mini
    var limit = 100
    var offset = 0
    var useMarker = false
    var marker: String?
    var order: ListingOrder = .name
    var ascending = true

    static let maxLimit = 1000
}

/// A marker names the next entry to return: its position then and its id, so paging survives concurrent
/// changes (the id is looked up again if the folder shifted).
struct ListingMarker {
    let position: Int
    let id: ItemID

    init(position: Int, id: ItemID) {
        self.position = position
        self.id = id
    }

    init?(_ text: String) {
        let padded = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            .padding(toLength: (text.count + 3) / 4 * 4, withPad: "=", startingAt: 0)
        guard let data = Data(base64Encoded: padded), let decoded = String(data: data, encoding: .utf8) else { return nil }
        let parts = decoded.split(separator: ":")
        guard parts.count == 2, let position = Int(parts[0]), let id = ItemID(wire: parts[1]) else { return nil }
        self.init(position: position, id: id)
    }

    var text: String {
        Data("\(position):\(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

extension StoreState {
    /// One page of a folder's active children, in offset or marker form (box-api.md §4).
    func listing(of folder: Item, _ query: ListingQuery) throws -> JSONValue {
        let sorted = sortedChildren(of: folder.id, by: query.order, ascending: query.ascending)
        let limit = min(max(query.limit, 1), ListingQuery.maxLimit)
        if query.useMarker {
            var start = 0
            if let text = query.marker, !text.isEmpty {
                guard let marker = ListingMarker(text) else {
                    throw BoxError.badRequest("Invalid marker", code: "invalid_parameter")
                }
                if marker.position < sorted.count, sorted[marker.position].id == marker.id {
                    start = marker.position
                } else {
                    start = sorted.firstIndex { $0.id == marker.id } ?? min(marker.position, sorted.count)
                }
            }
            let end = min(sorted.count, start + limit)
            let next: JSONValue = end < sorted.count ? .string(ListingMarker(position: end, id: sorted[end].id).text) : .null
            return .object([
                ("limit", .int(Int64(limit))), ("next_marker", next),
                ("entries", .array(sorted[start..<end].map { render($0, query.fields) })),
            ])
        }
        let start = min(max(query.offset, 0), sorted.count)
        let end = min(sorted.count, start + limit)
        return .object([
            ("total_count", .int(Int64(sorted.count))),
            ("entries", .array(sorted[start..<end].map { render($0, query.fields) })),
            ("offset", .int(Int64(query.offset))), ("limit", .int(Int64(limit))),
            ("order", query.order.orderJSON(ascending: query.ascending)),
        ])
    }
}
