import Foundation

/// The per-user event streams behind `GET /events`, and the wake-ups behind the long-poll URL.
///
/// Guarded by its own lock (not the store's) so a long-poll waiter never holds up mutations; the store appends
/// while holding its lock, which only ever nests store → log, never the other way round.
final class EventLog: @unchecked Sendable {
    struct Entry: Sendable {
        let position: Int64
        let json: JSONValue
    }

    private let lock = NSLock()
    private var entries: [UserID: [Entry]] = [:]
    /// Stream positions are global and increase by one per event; `next_stream_position` is the position after
    /// the last returned event, so a client resuming from it gets exactly the later events.
    private var nextPosition: Int64 = 1_000_000
    private var waiters: [UserID: [UUID: AsyncStream<Void>.Continuation]] = [:]
    /// Set at shutdown: long polls end at once (a graceful shutdown waits for running requests).
    private var closed = false

    /// Records an event for `user` and wakes their long-poll waiters.
    func append(user: UserID, type: String, createdBy: JSONValue, source: JSONValue, at date: Date) {
        let woken: [AsyncStream<Void>.Continuation] = lock.withLock {
            let position = nextPosition
            nextPosition += 1
            let json: JSONValue = .object([
                ("type", "event"),
                ("event_id", .string(UUID().uuidString.lowercased())),
                ("event_type", .string(type)),
                ("created_at", .string(BoxDate.format(date))),
                ("recorded_at", .string(BoxDate.format(date))),
                ("session_id", .string(String(UInt64.random(in: 0...UInt64.max), radix: 16))),
                ("created_by", createdBy),
                ("source", source),
            ])
            entries[user, default: []].append(Entry(position: position, json: json))
            return Array((waiters.removeValue(forKey: user) ?? [:]).values)
        }
        for waiter in woken {
            waiter.yield()
            waiter.finish()
        }
    }

    /// Ends every long poll now and any later one at once, so the server can stop without waiting them out.
    func close() {
        let woken: [AsyncStream<Void>.Continuation] = lock.withLock {
            closed = true
            defer { waiters.removeAll() }
            return waiters.values.flatMap(\.values)
        }
        for waiter in woken { waiter.finish() }
    }

    /// The position `stream_position=now` answers with.
    var currentPosition: Int64 { lock.withLock { nextPosition } }

    /// Up to `limit` events of `user` at or after `position`, and the position to continue from.
    func page(user: UserID, from position: Int64, limit: Int) -> (entries: [JSONValue], next: Int64) {
        lock.withLock {
            let all = entries[user] ?? []
            let start = firstIndex(in: all, atOrAfter: position)
            let slice = all[start..<min(all.count, start + limit)]
            let next = slice.last.map { $0.position + 1 } ?? max(position, nextPosition)
            return (slice.map(\.json), next)
        }
    }

    /// Waits until `user` has an event at or after `position`, or `timeout` passes. Returns whether there was one.
    func waitForChange(user: UserID, after position: Int64, timeout: Duration) async -> Bool {
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        let id = UUID()
        let pending: Bool = lock.withLock {
            let all = entries[user] ?? []
            if firstIndex(in: all, atOrAfter: position) < all.count { return true }
            if closed {
                continuation.finish()
                return false
            }
            waiters[user, default: [:]][id] = continuation
            return false
        }
        if pending { return true }
        defer {
            lock.withLock { _ = waiters[user]?.removeValue(forKey: id) }
            continuation.finish()
        }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await _ in stream { return true }
                return false
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    /// Entries are appended in position order, so binary search finds the resume point.
    private func firstIndex(in all: [Entry], atOrAfter position: Int64) -> Int {
        var low = 0
        var high = all.count
        while low < high {
            let mid = (low + high) / 2
            if all[mid].position < position { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
