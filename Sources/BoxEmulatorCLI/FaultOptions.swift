import ArgumentParser
import BoxEmulator

/// Faults active from the start; the same switches as `PUT /_emulator/faults`.
struct FaultOptions: ParsableArguments {
    @Option(help: "Delay added to every counted request, in milliseconds.")
    var latencyMs: Int = 0

    @Option(help: "Body bandwidth cap in bytes per second, shared by all requests (0 = none).")
    var bandwidthBps: Int = 0

    @Option(help: "Probability of a 429 with Retry-After.")
    var p429: Double = 0

    @Option(help: "Probability of a 503.")
    var p5xx: Double = 0

    @Option(help: "Probability of a dropped connection.")
    var pdrop: Double = 0

    @Option(help: "Seed of the fault draws.")
    var faultSeed: UInt64 = 1

    @Flag(help: "Enforce Box's per-user limits (1000 calls and 240 uploads a minute).")
    var rateLimits = false

    @Option(help: "How many chunked-upload commits answer 202 before succeeding.")
    var commit202Count: Int = 0

    @Option(help: "How many download requests answer 202 before redirecting.")
    var download202Count: Int = 0

    var settings: FaultSettings {
        var settings = FaultSettings()
        settings.latencyMs = latencyMs
        settings.bandwidthBps = bandwidthBps
        settings.p429 = p429
        settings.p5xx = p5xx
        settings.pdrop = pdrop
        settings.seed = faultSeed
        settings.rateLimits = rateLimits
        settings.commit202Count = commit202Count
        settings.download202Count = download202Count
        return settings
    }
}
