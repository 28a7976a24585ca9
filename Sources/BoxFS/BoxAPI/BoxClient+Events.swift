import AsyncHTTPClient
import Foundation
import NIOHTTP1

extension BoxClient {
    /// Reads the `changes` event stream from `position` (`GET /events?stream_type=changes`).
    ///
    /// Start from ``EventStreamPosition/now`` to learn the current position without events; keep calling
    /// with ``EventPage/nextStreamPosition`` until a page comes back empty.
    ///
    /// - Parameters:
    ///   - position: Where to read from.
    ///   - limit: Events per page (Box serves at most 500).
    public func events(from position: EventStreamPosition, limit: Int = 500) async throws -> EventPage {
        let request = apiRequest(
            .GET, "/events",
            query: [("stream_type", "changes"), ("stream_position", position.rawValue),
                    ("limit", String(min(max(1, limit), 500)))],
            kind: .events)
        return try await sendJSON(request)
    }

    /// Extra seconds a long poll waits past `retry_timeout`, so the server's own `reconnect` answer at that
    /// time arrives rather than racing the client's deadline.
    static let longPollGrace: TimeInterval = 5

    /// Asks Box where to long-poll for changes (`OPTIONS /events`).
    public func longPollServer() async throws -> RealtimeServer {
        struct Servers: Decodable {
            var entries: [RealtimeServer]
        }
        let servers: Servers = try await sendJSON(
            apiRequest(.OPTIONS, "/events", query: [("stream_type", "changes")], kind: .longPoll))
        guard let server = servers.entries.first else {
            throw BoxAPIError.invalidResponse("OPTIONS /events listed no realtime server")
        }
        return server
    }

    /// Waits on `server` until the stream moves past `position`, Box asks to reconnect, or the server's
    /// `retry_timeout` passes.
    ///
    /// The loop around it: ``events(from:limit:)`` on ``LongPollOutcome/newChange``; a new
    /// ``longPollServer()`` on ``LongPollOutcome/reconnect`` or after `maxRetries` timeouts.
    public func waitForChange(on server: RealtimeServer, after position: EventStreamPosition) async throws
        -> LongPollOutcome
    {
        struct Message: Decodable {
            var message: String
        }
        let separator = server.url.contains("?") ? "&" : "?"
        var request = BoxRequest(
            .GET, server.url + separator + "stream_position=" + BoxURL.encode(position.rawValue), kind: .longPoll,
            timeout: server.retryTimeout + Self.longPollGrace)
        // Not counted against the API budget: it is a wait, and Box serves it from another host.
        request.bucket = nil
        // A timeout is an answer here (no change), so it isn't retried like a dropped call.
        request.maxRetries = 0
        do {
            let answer: Message = try await sendJSON(request)
            return answer.message == "new_change" ? .newChange : .reconnect
        } catch BoxAPIError.transport(let error as HTTPClientError) where error == .deadlineExceeded {
            return .timeout
        }
    }
}
