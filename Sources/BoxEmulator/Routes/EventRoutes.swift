import Foundation
import Hummingbird

/// `GET /2.0/events` (the user's event stream), `OPTIONS /2.0/events` (the long-poll server) and the long-poll
/// URL itself, `GET /subscribe`, which answers `new_change` as soon as the stream moves past the client's
/// position, or `reconnect` after `retry_timeout`.
struct EventRoutes {
    let services: EmulatorServices

    static let maxLimit = 500

    func register(on router: some RouterMethods<EmulatorRequestContext>) {
        let events = services.store.events
        router.get("/2.0/events") { request, context in
            let user = try context.user()
            let streamType = request.query("stream_type") ?? "all"
            guard ["all", "changes", "sync"].contains(streamType) else {
                throw BoxError.forbidden("access_denied_insufficient_permissions", "Admin event streams need an admin token")
            }
            let limit = min(max(Int(request.query("limit") ?? "") ?? 100, 1), Self.maxLimit)
            let position: Int64
            switch request.query("stream_position") {
            case "now":
                return Response.json(Self.page([], next: events.currentPosition))
            case nil, "":
                position = 0
            case let text?:
                guard let value = Int64(text), value >= 0 else { throw BoxError.badRequest("Invalid stream_position", code: "invalid_parameter") }
                position = value
            }
            let page = events.page(user: user, from: position, limit: limit)
            return Response.json(Self.page(page.entries, next: page.next))
        }

        router.on("/2.0/events", method: .options) { request, context in
            let user = try context.user()
            let channel = services.realtime.open(for: user)
            let base = services.publicBaseURL(for: request, fallback: "")
            let timeout = Int64(services.configuration.longPollTimeout.rounded(.up))
            return Response.json(.object([
                ("chunk_size", 1),
                ("entries", .array([.object([
                    ("type", "realtime_server"),
                    ("url", .string("\(base)/subscribe?channel=\(channel)&stream_type=changes")),
                    ("ttl", "10"), ("max_retries", "10"), ("retry_timeout", .int(timeout)),
                ])])),
            ]))
        }
    }

    /// The long-poll URL handed out by `OPTIONS /events`; unauthenticated (the channel names the user).
    static func registerLongPoll(on router: some RouterMethods<EmulatorRequestContext>, services: EmulatorServices) {
        let events = services.store.events
        router.get("/subscribe") { request, _ in
            let reconnect = Response.json(.object([("version", 1), ("message", "reconnect")]))
            guard let channel = request.query("channel"), let user = services.realtime.user(of: channel) else { return reconnect }
            let position = request.query("stream_position").flatMap { Int64($0) } ?? events.currentPosition
            let timeout = Duration.milliseconds(Int64(services.configuration.longPollTimeout * 1000))
            if await events.waitForChange(user: user, after: position, timeout: timeout) {
                return Response.json(.object([("message", "new_change")]))
            }
            return reconnect
        }
    }

    static func page(_ entries: [JSONValue], next: Int64) -> JSONValue {
        .object([("chunk_size", .int(Int64(entries.count))), ("next_stream_position", .int(next)), ("entries", .array(entries))])
    }
}
