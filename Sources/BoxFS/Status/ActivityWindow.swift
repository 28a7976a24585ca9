/// Samples of a client's cumulative counters over a sliding window, to report activity "in the last minute"
/// and whether Box is answering.
struct ActivityWindow {
    let length: Duration
    private var samples: [(at: ContinuousClock.Instant, stats: ClientStats)] = []

    init(length: Duration) { self.length = length }

    mutating func record(_ stats: ClientStats, at now: ContinuousClock.Instant) {
        samples.append((now, stats))
        // Keep the newest sample at or before the window's start as its baseline.
        while samples.count > 1, now - samples[1].at >= length { samples.removeFirst() }
    }

    /// Activity over the window (or since the first sample, if the window isn't full yet).
    var lastWindow: MountStatus.APIActivity {
        guard let first = samples.first, let last = samples.last else { return .init(from: ClientStats(), to: ClientStats()) }
        return .init(from: first.stats, to: last.stats)
    }

    /// Online if a call got an HTTP answer within `recent`, offline if calls were made and none got one, nil if
    /// nothing was sent (the last known state stands).
    func connection(recent: Duration, at now: ContinuousClock.Instant) -> MountStatus.Connection? {
        guard let last = samples.last,
              let start = samples.last(where: { now - $0.at >= recent }) ?? samples.first
        else { return nil }
        let activity = MountStatus.APIActivity(from: start.stats, to: last.stats)
        let answered = (last.stats.totalCalls - start.stats.totalCalls) - activity.transportErrors
        if answered > 0 { return .online }
        return activity.transportErrors > 0 ? .offline : nil
    }
}
