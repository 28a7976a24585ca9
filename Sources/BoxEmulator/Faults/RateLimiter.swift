import Foundation

/// Box's per-user limits as sliding one-minute windows: a request over the limit is refused with the seconds
/// until the oldest counted request leaves the window.
struct RateLimiter: Sendable {
    private var windows: [String: [Date]] = [:]

    /// Counts a request of `key` at `now` if under `limit`; otherwise returns the Retry-After seconds.
    mutating func admit(_ key: String, limit: Int, at now: Date) -> Int? {
        var window = windows[key, default: []]
        let horizon = now.addingTimeInterval(-60)
        if let firstKept = window.firstIndex(where: { $0 > horizon }) {
            window.removeFirst(firstKept)
        } else {
            window.removeAll()
        }
        guard window.count < limit else {
            windows[key] = window
            return max(1, Int((window[0].timeIntervalSince(horizon)).rounded(.up)))
        }
        window.append(now)
        windows[key] = window
        return nil
    }
}
