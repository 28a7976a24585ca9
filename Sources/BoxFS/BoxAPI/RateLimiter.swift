import Foundation

/// Client-side budgets that keep boxfs under Box's per-user limits instead of bouncing off `429`s.
///
/// Box counts requests per user over a sliding minute (~1,000 API calls, 240 upload requests). Each budget
/// here is that same rule kept from our side: a request may start once fewer than `limit` requests started in
/// the window before it, with the window a second longer than Box's so requests delayed on the way can't land
/// in one of Box's minutes with the next ones. A whole minute's allowance may go in a burst (the 32 parts of a
/// 1 GiB chunked upload, a `find` over a fresh tree), which a token bucket sized for the same minute can't allow.
///
/// Slots are handed out in arrival order by reserving the next one, so a burst of callers queues fairly and
/// waits suspended, not spinning. A `429` with `Retry-After` pauses every budget: Box counts per user, so all
/// our calls would be refused until then.
actor RateLimiter {
    /// Which budget a request draws from.
    enum Bucket: Sendable {
        /// API calls (Box: ~1,000/min/user).
        case general
        /// Requests to the upload host (Box: 240/min/user).
        case upload
    }

    /// The start times of the last `limit` requests of one budget.
    private struct SlidingWindow {
        let limit: Int
        let length: Duration
        /// A ring once full: `oldest` is the earliest of the last `limit` starts.
        private var starts: [ContinuousClock.Instant] = []
        private var oldest = 0
        private var latest: ContinuousClock.Instant?

        init(limit: Int, length: Duration) {
            self.limit = max(1, limit)
            self.length = length
        }

        /// Reserves the earliest start at or after `now` (and after every start already reserved) that keeps
        /// every window within the limit.
        mutating func reserve(now: ContinuousClock.Instant) -> ContinuousClock.Instant {
            var start = max(now, latest ?? now)
            if starts.count < limit {
                starts.append(start)
            } else {
                start = max(start, starts[oldest] + length)
                starts[oldest] = start
                oldest = (oldest + 1) % limit
            }
            latest = start
            return start
        }
    }

    private let clock = ContinuousClock()
    private var general: SlidingWindow
    private var upload: SlidingWindow
    private var pausedUntil: ContinuousClock.Instant?

    /// - Parameter window: The span the limits count over; Box's minute plus a second of margin (tests shorten it).
    init(callsPerMinute: Int, uploadsPerMinute: Int, window: Duration = .seconds(61)) {
        general = SlidingWindow(limit: callsPerMinute, length: window)
        upload = SlidingWindow(limit: uploadsPerMinute, length: window)
    }

    /// Waits until the budget grants a request.
    func acquire(_ bucket: Bucket) async throws {
        let wait = reserve(bucket)
        if wait > .zero {
            try await Task.sleep(for: wait)
        }
    }

    /// Holds every request back for `delay` (Box's `Retry-After`), unless a longer pause is already set.
    func pause(for delay: Duration) {
        let until = clock.now + delay
        if let current = pausedUntil, current >= until { return }
        pausedUntil = until
    }

    private func reserve(_ bucket: Bucket) -> Duration {
        let now = clock.now
        // A pause moves the start itself, so the window counts the request when it really goes.
        let earliest = max(now, pausedUntil ?? now)
        let start: ContinuousClock.Instant
        switch bucket {
        case .general: start = general.reserve(now: earliest)
        case .upload: start = upload.reserve(now: earliest)
        }
        return start - now
    }
}
