import Foundation

/// How long cached metadata may answer without asking Box: short when nothing tells us about changes,
/// longer while the events stream does.
final class FreshnessPolicy: Sendable {
    let ttl: TimeInterval
    let ttlWithEvents: TimeInterval
    private let eventsHealthy = Locked(false)

    init(ttl: TimeInterval, ttlWithEvents: TimeInterval) {
        self.ttl = ttl
        self.ttlWithEvents = max(ttl, ttlWithEvents)
    }

    var currentTTL: TimeInterval { eventsHealthy.withLock { $0 } ? ttlWithEvents : ttl }

    func setEventsHealthy(_ healthy: Bool) { eventsHealthy.withLock { $0 = healthy } }
}
