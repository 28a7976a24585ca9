/// The name of a small piece of persistent state kept by ``MetadataStore``.
public struct StateKey: Hashable, Sendable, RawRepresentable {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    /// Box's `next_stream_position` for the events stream, as an opaque string.
    public static let eventStreamPosition = StateKey(rawValue: "event_stream_position")
}
