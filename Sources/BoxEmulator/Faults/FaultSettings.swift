import Foundation

/// The fault switches, as `GET|PUT /_emulator/faults` shows and accepts them (snake_case JSON; a PUT may carry
/// any subset of the keys).
public struct FaultSettings: Codable, Sendable, Equatable {
    /// Added delay before every API, upload and download request is answered.
    public var latencyMs: Int = 0
    /// Cap on body bytes per second, shared by all requests (separately for request and response bodies); 0 = none.
    public var bandwidthBps: Int = 0
    /// Probability of answering `429 rate_limit_exceeded` with `Retry-After`.
    public var p429: Double = 0
    /// Probability of answering `503 unavailable`.
    public var p5xx: Double = 0
    /// Probability of dropping the connection: without an answer, or halfway through a response body.
    public var pdrop: Double = 0
    /// Seed of the random draws, so a run with faults is repeatable. A PUT that names it restarts the sequence;
    /// one that doesn't (a latency toggle, say) leaves the draws going.
    public var seed: UInt64 = 1
    /// Enforce Box's per-user limits (`rateLimitCallsPerMinute` API calls, `rateLimitUploadsPerMinute` upload requests).
    public var rateLimits: Bool = false
    public var rateLimitCallsPerMinute: Int = 1000
    public var rateLimitUploadsPerMinute: Int = 240
    /// How many chunked-upload commits still answer `202` + `Retry-After` before one is processed.
    public var commit202Count: Int = 0
    /// How many `GET /files/{id}/content` still answer `202` + `Retry-After` before redirecting.
    public var download202Count: Int = 0
    /// The `Retry-After` seconds of injected 429s and 202s.
    public var retryAfterSeconds: Int = 1
    /// A route (as the stats name it, `PUT /2.0/files/{id}`) whose next `slowAnswersCount` answers are held for
    /// `slowAnswersMs` after the request was carried out: the change is made at once but the client learns of it
    /// late, which opens the window between a change reaching Box and its sender knowing it (tests of races).
    public var slowAnswersRoute: String = ""
    public var slowAnswersCount: Int = 0
    public var slowAnswersMs: Int = 0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case latencyMs = "latency_ms"
        case bandwidthBps = "bandwidth_bps"
        case p429, p5xx, pdrop, seed
        case rateLimits = "rate_limits"
        case rateLimitCallsPerMinute = "rate_limit_calls_per_minute"
        case rateLimitUploadsPerMinute = "rate_limit_uploads_per_minute"
        case commit202Count = "commit_202_count"
        case download202Count = "download_202_count"
        case retryAfterSeconds = "retry_after_seconds"
        case slowAnswersRoute = "slow_answers_route"
        case slowAnswersCount = "slow_answers_count"
        case slowAnswersMs = "slow_answers_ms"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = FaultSettings()
        latencyMs = try c.decodeIfPresent(Int.self, forKey: .latencyMs) ?? defaults.latencyMs
        bandwidthBps = try c.decodeIfPresent(Int.self, forKey: .bandwidthBps) ?? defaults.bandwidthBps
        p429 = try c.decodeIfPresent(Double.self, forKey: .p429) ?? defaults.p429
        p5xx = try c.decodeIfPresent(Double.self, forKey: .p5xx) ?? defaults.p5xx
        pdrop = try c.decodeIfPresent(Double.self, forKey: .pdrop) ?? defaults.pdrop
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? defaults.seed
        rateLimits = try c.decodeIfPresent(Bool.self, forKey: .rateLimits) ?? defaults.rateLimits
        rateLimitCallsPerMinute = try c.decodeIfPresent(Int.self, forKey: .rateLimitCallsPerMinute) ?? defaults.rateLimitCallsPerMinute
        rateLimitUploadsPerMinute = try c.decodeIfPresent(Int.self, forKey: .rateLimitUploadsPerMinute) ?? defaults.rateLimitUploadsPerMinute
        commit202Count = try c.decodeIfPresent(Int.self, forKey: .commit202Count) ?? defaults.commit202Count
        download202Count = try c.decodeIfPresent(Int.self, forKey: .download202Count) ?? defaults.download202Count
        retryAfterSeconds = try c.decodeIfPresent(Int.self, forKey: .retryAfterSeconds) ?? defaults.retryAfterSeconds
        slowAnswersRoute = try c.decodeIfPresent(String.self, forKey: .slowAnswersRoute) ?? defaults.slowAnswersRoute
        slowAnswersCount = try c.decodeIfPresent(Int.self, forKey: .slowAnswersCount) ?? defaults.slowAnswersCount
        slowAnswersMs = try c.decodeIfPresent(Int.self, forKey: .slowAnswersMs) ?? defaults.slowAnswersMs
    }

    /// Whether a `PUT /_emulator/faults` body sets the seed (only then does the random sequence restart).
    static func patchNamesSeed(_ patch: Data) -> Bool {
        let object = try? JSONSerialization.jsonObject(with: patch) as? [String: Any]
        return object?[CodingKeys.seed.stringValue] != nil
    }

    /// These settings with the keys present in `patch` (a JSON object of the same keys) replaced.
    func updated(with patch: Data) throws -> FaultSettings {
        guard var merged = try JSONSerialization.jsonObject(with: JSONEncoder().encode(self)) as? [String: Any],
              let changes = try JSONSerialization.jsonObject(with: patch) as? [String: Any]
        else { throw BoxError.badRequest("faults: expected a JSON object") }
        for (key, value) in changes {
            guard CodingKeys(stringValue: key) != nil else { throw BoxError.badRequest("faults: unknown key \(key)") }
            merged[key] = value
        }
        return try JSONDecoder().decode(FaultSettings.self, from: JSONSerialization.data(withJSONObject: merged))
    }
}
