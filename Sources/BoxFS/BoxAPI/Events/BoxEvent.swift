import Foundation

/// One entry of Box's `changes` event stream.
///
/// Box may deliver an event twice and out of order: deduplicate by ``id`` and drop an event whose
/// source ``BoxItem/sequenceID`` is not newer than the one already known.
public struct BoxEvent: Sendable, Hashable, Decodable {
    /// `event_id`, unique per event.
    public var id: String
    /// `event_type`, e.g. `ITEM_UPLOAD`, `ITEM_RENAME`, `ITEM_TRASH`; unknown types should be ignored.
    public var type: String
    /// When the change happened.
    public var createdAt: Date?
    /// The file or folder as it is after the change; nil when the source is something else (or absent).
    /// The old name and parent are not included.
    public var source: BoxItem?

    private enum CodingKeys: String, CodingKey {
        case id = "event_id"
        case type = "event_type"
        case createdAt = "created_at"
        case source
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        type = try c.decode(String.self, forKey: .type)
        createdAt = try? c.decodeIfPresent(Date.self, forKey: .createdAt)
        // Sources can be users, collaborations, web links or null: only files and folders matter here.
        source = try? c.decodeIfPresent(BoxItem.self, forKey: .source)
    }
}

/// A page of events (`GET /events`).
public struct EventPage: Sendable, Hashable, Decodable {
    /// The events, oldest first.
    public var entries: [BoxEvent]
    /// Where to continue reading; an empty page means the stream is drained up to here.
    public var nextStreamPosition: EventStreamPosition

    private enum CodingKeys: String, CodingKey {
        case entries
        case nextStreamPosition = "next_stream_position"
    }
}
