import Foundation

/// A shared link of limited speed: each chunk reserves the next free slot of the link and waits until its
/// transfer would have finished, so concurrent bodies share the cap instead of each getting it.
final class BandwidthLimiter: @unchecked Sendable {
    private let lock = NSLock()
    private var busyUntil = ContinuousClock.now

    /// Waits as long as sending `bytes` at `bytesPerSecond` takes on the shared link.
    func transfer(_ bytes: Int, bytesPerSecond: Int) async {
        guard bytesPerSecond > 0, bytes > 0 else { return }
        let cost = Duration.seconds(Double(bytes) / Double(bytesPerSecond))
        let done: ContinuousClock.Instant = lock.withLock {
            busyUntil = max(busyUntil, .now) + cost
            return busyUntil
        }
        try? await Task.sleep(until: done, clock: .continuous)
    }
}
