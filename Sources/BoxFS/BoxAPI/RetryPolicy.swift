import Foundation

/// When and how long to wait before repeating a failed Box call.
///
/// - `429`: always retried (Box refused the call, so it didn't run), after `Retry-After`.
/// - `409 operation_blocked_temporary` / `name_temporarily_reserved`: also refusals, retried with backoff.
/// - `5xx` and transport failures: retried with exponential backoff and jitter. Callers only send through
///   the retry loop requests that are idempotent, or non-idempotent ones whose duplicate they can detect
///   afterwards (see ``BoxRequest/Safety``), because a dropped or 5xx'd write may still have landed.
/// - Anything else is final.
///
/// The total is bounded by `maxRetries`; 401 refreshes and 202 waits are not counted here.
struct RetryPolicy: Sendable {
    var maxRetries: Int
    var baseDelay: TimeInterval
    var maxDelay: TimeInterval

    /// A failed attempt, as far as retrying cares.
    enum Failure {
        case status(Int, code: String?, retryAfter: TimeInterval?)
        case transport
    }

    /// The wait before retry number `retry` (1-based), or nil if `failure` is final or retries are used up.
    func delay(after failure: Failure, retry: Int) -> Duration? {
        guard retry <= maxRetries else { return nil }
        switch failure {
        case .status(429, _, let retryAfter):
            return retryAfter.map { Self.duration(min($0, maxDelay)) } ?? backoff(retry)
        case .status(409, "operation_blocked_temporary", _), .status(409, "name_temporarily_reserved", _):
            return backoff(retry)
        case .status(let status, _, let retryAfter) where status >= 500:
            return retryAfter.map { Self.duration(min($0, maxDelay)) } ?? backoff(retry)
        case .transport:
            return backoff(retry)
        case .status:
            return nil
        }
    }

    /// `base * 2^(retry-1)`, capped, times a uniform jitter in [0.5, 1.5) so clients that failed together
    /// don't retry together.
    private func backoff(_ retry: Int) -> Duration {
        let exponential = min(maxDelay, baseDelay * pow(2, Double(retry - 1)))
        return Self.duration(exponential * Double.random(in: 0.5..<1.5))
    }

    static func duration(_ seconds: TimeInterval) -> Duration {
        .nanoseconds(Int64(max(0, seconds) * 1e9))
    }
}
