import Foundation

/// Client-side token buckets that keep boxfs under Box's per-user limits instead of bouncing off `429`s.
///
/// Each call takes one token from its bucket, waiting (suspended, not spinning) until one is due.
/// Tokens are handed out in arrival order by reserving the next slot, so a burst of callers queues
/// fairly. A `429` with `Retry-After` pauses every bucket: Box counts per user, so all our calls
/// would be refused until then.
actor RateLimiter {
    /// Which budget a request draws from.
    enum Bucket: Sendable {
        /// API calls (Box: ~1,000/min/user).
        case general
        /// Requests to the upload host (Box: 240/min/user).
        case upload
    }

    private struct TokenBucket {
        let capacity: Double
        let perSecond: Double
        var tokens: Double
        var updated: ContinuousClock.Instant

        init(perMinute: Int, now: ContinuousClock.Instant) {
            let limit = Double(max(1, perMinute))
            // A burst of five seconds' worth, for parallel listings and reads. Box counts over a sliding
            // minute, in which a bucket can spend its full capacity plus a minute of refill; refilling at
            // (limit - capacity) per minute keeps that total within the limit.
            capacity = max(1, (limit / 12).rounded(.down))
            perSecond = max(1, limit - capacity) / 60
            tokens = capacity
            updated = now
        }

        /// Takes a token (possibly going into debt) and returns how long the taker must wait for it.
        mutating func take(now: ContinuousClock.Instant) -> Duration {
            let elapsed = now - updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            tokens = min(capacity, tokens + seconds * perSecond)
            updated = now
            tokens -= 1
            return tokens >= 0 ? .zero : .seconds(-tokens / perSecond)
        }
    }

    private let clock = ContinuousClock()
    private var general: TokenBucket
    private var upload: TokenBucket
    private var pausedUntil: ContinuousClock.Instant?

    init(callsPerMinute: Int, uploadsPerMinute: Int) {
        let now = clock.now
        general = TokenBucket(perMinute: callsPerMinute, now: now)
        upload = TokenBucket(perMinute: uploadsPerMinute, now: now)
    }

    /// Waits until the bucket grants a request.
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
        let slot: Duration
        switch bucket {
        case .general: slot = general.take(now: now)
        case .upload: slot = upload.take(now: now)
        }
        let paused = pausedUntil.map { $0 > now ? $0 - now : .zero } ?? .zero
        return max(slot, paused)
    }
}
