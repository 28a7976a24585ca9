/// A place in Box's event stream: `now`, or a `next_stream_position` Box handed out.
///
/// Box sends positions as (large) JSON numbers; they are opaque, so they are kept as text.
public struct EventStreamPosition: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The position text sent as `stream_position`.
    public let rawValue: String

    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    /// The current end of the stream: a request from here returns no events, just the position to poll from.
    public static let now = EventStreamPosition("now")

    public var description: String { rawValue }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            rawValue = String(number)
        } else if let number = try? container.decode(UInt64.self) {
            rawValue = String(number)
        } else {
            rawValue = try container.decode(String.self)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
