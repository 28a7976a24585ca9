import Foundation

/// Gives up on operations that outlive their deadline, for all of them at once: one task that wakes every
/// `resolution` while any deadline is registered, instead of a sleeping timer task per operation (creating and
/// cancelling that timer cost about as much as answering a cached lookup).
///
/// A lock rather than an actor: registering happens on every operation and must not wait for the ticker.
final class OperationDeadlines: Sendable {
    private struct Entry {
        let deadline: ContinuousClock.Instant
        let expire: @Sendable () -> Void
    }

    private struct State {
        var entries: [UInt64: Entry] = [:]
        var nextID: UInt64 = 0
        var ticking = false
    }

    /// How late past its deadline an operation may be given up on.
    let resolution: Duration
    private let state = Locked(State())

    init(resolution: Duration = .milliseconds(250)) {
        self.resolution = resolution
    }

    /// Calls `expire` once `interval` has passed, unless ``cancel(_:)`` came first.
    func schedule(after interval: Duration, _ expire: @escaping @Sendable () -> Void) -> UInt64 {
        let deadline = ContinuousClock.now + interval
        let (id, startTicker) = state.withLock { s -> (UInt64, Bool) in
            s.nextID += 1
            s.entries[s.nextID] = Entry(deadline: deadline, expire: expire)
            defer { s.ticking = true }
            return (s.nextID, !s.ticking)
        }
        if startTicker { Task { await tick() } }
        return id
    }

    func cancel(_ id: UInt64) {
        _ = state.withLock { $0.entries.removeValue(forKey: id) }
    }

    /// Registered deadlines (for tests).
    var count: Int { state.withLock { $0.entries.count } }

    private func tick() async {
        while true {
            try? await Task.sleep(for: resolution)
            let now = ContinuousClock.now
            // The decision to stop is taken under the lock, so a deadline registered meanwhile starts a new ticker.
            let (expired, more) = state.withLock { s -> ([Entry], Bool) in
                let due = s.entries.filter { $0.value.deadline <= now }
                for id in due.keys { s.entries[id] = nil }
                if s.entries.isEmpty { s.ticking = false }
                return (Array(due.values), !s.entries.isEmpty)
            }
            for entry in expired { entry.expire() }
            if !more { return }
        }
    }
}
