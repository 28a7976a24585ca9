import Foundation

/// How long cached metadata may answer without asking Box, and how long the kernel may keep names and
/// attributes without asking us: short when nothing tells us about changes, longer while the events stream does.
final class FreshnessPolicy: Sendable {
    let ttl: TimeInterval
    let ttlWithEvents: TimeInterval
    /// The kernel's timeout while events are followed. Without them 1 s (or less if this is less): the kernel
    /// would otherwise keep showing a change Box already told a listing about.
    let kernelTimeoutWithEvents: TimeInterval
    private let eventsHealthy = Locked(false)

    init(ttl: TimeInterval, ttlWithEvents: TimeInterval, kernelTimeoutWithEvents: TimeInterval = 1) {
        self.ttl = ttl
        self.ttlWithEvents = max(ttl, ttlWithEvents)
        self.kernelTimeoutWithEvents = kernelTimeoutWithEvents
    }

    var currentTTL: TimeInterval { eventsHealthy.withLock { $0 } ? ttlWithEvents : ttl }

    /// The entry and attribute timeout for replies to the kernel now. While events are followed, every change
    /// they report is pushed to the kernel (``KernelNotifier``), so its cache can be trusted for longer: a warm
    /// `ls -l` then costs no round trip per entry for `stat` or its (absent) ACL.
    var kernelTimeout: TimeInterval {
        eventsHealthy.withLock { $0 } ? kernelTimeoutWithEvents : min(1, kernelTimeoutWithEvents)
    }

    func setEventsHealthy(_ healthy: Bool) { eventsHealthy.withLock { $0 = healthy } }
}
