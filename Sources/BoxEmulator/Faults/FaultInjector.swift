import Foundation

/// Decides, request by request, which injected fault (if any) a request meets, and keeps the 202 budgets.
///
/// A lock rather than an actor: decisions are tiny and must be made in the request path in a fixed order, so
/// the draws from the seeded generator stay repeatable.
final class FaultInjector: @unchecked Sendable {
    /// What to do with a request before it reaches its handler.
    enum Decision: Equatable {
        case proceed
        case rateLimited(retryAfter: Int)
        case unavailable
        /// Close the connection: before answering, or halfway through the response body.
        case drop(midBody: Bool)
    }

    private let lock = NSLock()
    private var settings: FaultSettings
    private var random: SeededRandom
    private var limiter = RateLimiter()
    /// Shared links for request and response bodies when `bandwidth_bps` is set.
    let inbound = BandwidthLimiter()
    let outbound = BandwidthLimiter()

    init(_ settings: FaultSettings) {
        self.settings = settings
        random = SeededRandom(seed: settings.seed)
    }

    var current: FaultSettings { lock.withLock { settings } }

    /// Replaces the settings; with `reseed`, also restarts the random sequence from their seed. A change that
    /// doesn't name a seed (latency toggled during a run, say) must not replay the draws made so far.
    func replace(with newSettings: FaultSettings, reseed: Bool = true) {
        lock.withLock {
            settings = newSettings
            if reseed { random = SeededRandom(seed: newSettings.seed) }
        }
    }

    /// Forgets the requests every user's rate windows have counted: a fresh minute's budget for everyone (a
    /// benchmark's next client, which acts as the same user as the one before it).
    func resetRateWindows() {
        lock.withLock { limiter = RateLimiter() }
    }

    /// The fault for one request of `user` (nil when the token is unknown: the API will answer 401 anyway).
    func decide(user: UserID?, isUpload: Bool, at now: Date = Date()) -> Decision {
        lock.withLock {
            if settings.rateLimits, let user {
                let limit = isUpload ? settings.rateLimitUploadsPerMinute : settings.rateLimitCallsPerMinute
                let key = (isUpload ? "upload:" : "api:") + user.rawValue
                if let retryAfter = limiter.admit(key, limit: limit, at: now) {
                    return .rateLimited(retryAfter: retryAfter)
                }
            }
            if settings.p429 > 0, random.unit() < settings.p429 { return .rateLimited(retryAfter: settings.retryAfterSeconds) }
            if settings.p5xx > 0, random.unit() < settings.p5xx { return .unavailable }
            if settings.pdrop > 0, random.unit() < settings.pdrop { return .drop(midBody: random.unit() < 0.5) }
            return .proceed
        }
    }

    /// `Retry-After` seconds if this commit must still answer 202.
    func takeCommit202() -> Int? {
        lock.withLock {
            guard settings.commit202Count > 0 else { return nil }
            settings.commit202Count -= 1
            return settings.retryAfterSeconds
        }
    }

    /// How long to hold the answer of a carried-out request to `route` (nil: answer at once).
    func takeSlowAnswer(route: String) -> Duration? {
        lock.withLock {
            guard settings.slowAnswersCount > 0, settings.slowAnswersRoute == route else { return nil }
            settings.slowAnswersCount -= 1
            return .milliseconds(settings.slowAnswersMs)
        }
    }

    /// `Retry-After` seconds if this download must still answer 202.
    func takeDownload202() -> Int? {
        lock.withLock {
            guard settings.download202Count > 0 else { return nil }
            settings.download202Count -= 1
            return settings.retryAfterSeconds
        }
    }
}
