/// One page of `GET /folders/{id}/items` in marker mode.
struct BoxItemPage: Decodable {
    /// Entries that are files or folders; web links and unknown types are skipped while decoding.
    var items: [BoxItem]
    var nextMarker: String?

    private enum CodingKeys: String, CodingKey {
        case entries
        case nextMarker = "next_marker"
    }

    /// Decodes an entry only if it is a file or folder, so one web link doesn't fail a whole page.
    private struct Entry: Decodable {
        var item: BoxItem?

        private enum CodingKeys: String, CodingKey { case type }

        init(from decoder: Decoder) throws {
            let type = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .type)
            item = (type == "file" || type == "folder") ? try BoxItem(from: decoder) : nil
        }
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        items = try c.decode([Entry].self, forKey: .entries).compactMap(\.item)
        nextMarker = try Marker(from: decoder).nextMarker
    }

    /// Only the page's `next_marker`: enough to ask for the next page before this one's entries are decoded.
    struct Marker: Decodable {
        var nextMarker: String?

        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            // Box ends marker paging with null; its docs also allow an empty string.
            nextMarker = try c.decodeIfPresent(String.self, forKey: .nextMarker).flatMap { $0.isEmpty ? nil : $0 }
        }
    }
}

/// The `{"total_count":1,"entries":[file]}` body of uploads and commits.
struct BoxItemCollection: Decodable {
    var entries: [BoxItem]
}
