import Foundation

/// Box's long-poll endpoint for the event stream, from `OPTIONS /events`.
public struct RealtimeServer: Sendable, Hashable, Decodable {
    /// The URL to GET (with `stream_position` added) to wait for a change.
    public var url: String
    /// How long to wait on one long-poll request before re-issuing it, in seconds.
    public var retryTimeout: TimeInterval
    /// How many timed-out long polls before asking `OPTIONS /events` for a new server.
    public var maxRetries: Int

    private enum CodingKeys: String, CodingKey {
        case url
        case retryTimeout = "retry_timeout"
        case maxRetries = "max_retries"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        url = try c.decode(String.self, forKey: .url)
        retryTimeout = try c.decodeStringOrNumberIfPresent(forKey: .retryTimeout).flatMap(TimeInterval.init) ?? 610
        maxRetries = try c.decodeStringOrNumberIfPresent(forKey: .maxRetries).flatMap { Int(Double($0) ?? 10) } ?? 10
    }
}

/// How a long poll ended.
public enum LongPollOutcome: Sendable, Hashable {
    /// Box has new events: read them with `events(from:limit:)`.
    case newChange
    /// Box asks for a new long-poll server (`OPTIONS /events` again).
    case reconnect
    /// Nothing happened within the server's `retry_timeout`; poll again (up to its `max_retries`).
    case timeout
}
