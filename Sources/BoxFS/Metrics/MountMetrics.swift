import Foundation
import Prometheus

/// A mount's Prometheus metrics, fed from the same snapshots as its status file: the client's cumulative
/// counters become counters (by their growth since the last snapshot), the cache and the upload journal gauges;
/// the upload queue reports each finished upload's duration.
///
/// Only the status publisher's loop calls ``record(_:stats:)``; the lock keeps it safe to call from anywhere
/// and guards the previous snapshot. The registry itself is thread-safe for the endpoint's reads.
final class MountMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let previous = Locked(ClientStats())
    private let previousLookups = Locked((hits: Int64(0), misses: Int64(0)))

    private let retries: Counter
    private let rateLimited: Counter
    private let serverErrors: Counter
    private let transportErrors: Counter
    private let bytesUploaded: Counter
    private let bytesDownloaded: Counter
    private let online: Gauge
    private let cacheBytes: Gauge
    private let cacheCapacity: Gauge
    private let cacheBlocks: Gauge
    private let cacheHits: Counter
    private let cacheMisses: Counter
    private let pendingUploads: Gauge
    private let pendingBytes: Gauge
    private let uploadDurations: DurationHistogram

    init() {
        let errors = Self.name("api_errors", "total", "Attempts answered with 429 or 5xx, or not answered at all (status none).")
        retries = registry.makeCounter(descriptor: Self.name("api_retries", "total", "Attempts repeated after a 429, 5xx, dropped connection or 401 refresh."))
        rateLimited = registry.makeCounter(descriptor: errors, labels: [("status", "429")])
        serverErrors = registry.makeCounter(descriptor: errors, labels: [("status", "5xx")])
        transportErrors = registry.makeCounter(descriptor: errors, labels: [("status", "none")])
        bytesUploaded = registry.makeCounter(descriptor: Self.name("uploaded_bytes", "total", "File content bytes sent to Box."))
        bytesDownloaded = registry.makeCounter(descriptor: Self.name("downloaded_bytes", "total", "File content bytes received from Box."))
        online = registry.makeGauge(descriptor: Self.name("online", "", "1 while Box answers, 0 while calls get no answer."))
        cacheBytes = registry.makeGauge(descriptor: Self.name("cache", "bytes", "Bytes of file blocks in the cache."))
        cacheCapacity = registry.makeGauge(descriptor: Self.name("cache_capacity", "bytes", "The cache's cap (cache_size)."))
        cacheBlocks = registry.makeGauge(descriptor: Self.name("cache_blocks", "", "File blocks in the cache."))
        let lookups = Self.name("cache_lookups", "total", "Block reads answered from the cache (hit) or downloaded (miss).")
        cacheHits = registry.makeCounter(descriptor: lookups, labels: [("result", "hit")])
        cacheMisses = registry.makeCounter(descriptor: lookups, labels: [("result", "miss")])
        pendingUploads = registry.makeGauge(descriptor: Self.name("uploads_pending", "", "Uploads journaled and not yet on Box."))
        pendingBytes = registry.makeGauge(descriptor: Self.name("uploads_pending", "bytes", "Bytes of the journaled uploads not yet sent."))
        uploadDurations = registry.makeDurationHistogram(
            descriptor: Self.name("upload_duration", "seconds", "From close(2) journaling an upload until Box had it, retries and queueing included."),
            buckets: [.milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10),
                      .seconds(30), .seconds(60), .seconds(300), .seconds(1800)])
    }

    private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "boxfs", metricName: metric, unitName: unit, helpText: help)
    }

    private static let requests = name("api_requests", "total", "Requests sent to Box by endpoint, every attempt counted.")
    private static let responses = name("api_responses", "total", "HTTP answers from Box by endpoint and status.")

    /// Brings every metric up to date with one status snapshot and the client's counters.
    func record(_ status: MountStatus, stats: ClientStats) {
        let before = previous.withLock { last in
            defer { last = stats }
            return last
        }
        for kind in EndpointKind.allCases {
            let grown = stats.calls[kind, default: 0] - before.calls[kind, default: 0]
            if grown > 0 {
                registry.makeCounter(descriptor: Self.requests, labels: [("endpoint", kind.rawValue)]).increment(by: Int64(grown))
            }
        }
        for (key, count) in stats.responses {
            let grown = count - before.responses[key, default: 0]
            if grown > 0 {
                registry.makeCounter(
                    descriptor: Self.responses, labels: [("endpoint", key.kind.rawValue), ("status", String(key.status))]
                ).increment(by: Int64(grown))
            }
        }
        retries.increment(by: Int64(stats.retries - before.retries))
        rateLimited.increment(by: Int64(stats.rateLimited - before.rateLimited))
        serverErrors.increment(by: Int64(stats.serverErrors - before.serverErrors))
        transportErrors.increment(by: Int64(stats.transportErrors - before.transportErrors))
        bytesUploaded.increment(by: stats.bytesUploaded - before.bytesUploaded)
        bytesDownloaded.increment(by: stats.bytesDownloaded - before.bytesDownloaded)

        online.set(to: status.connection == .online ? 1 : 0)
        cacheBytes.set(status.cache.bytes)
        cacheCapacity.set(status.cache.capacity)
        cacheBlocks.set(Int64(status.cache.blocks))
        let lookupsBefore = previousLookups.withLock { last in
            defer { last = (status.cache.hits, status.cache.misses) }
            return last
        }
        cacheHits.increment(by: max(0, status.cache.hits - lookupsBefore.hits))
        cacheMisses.increment(by: max(0, status.cache.misses - lookupsBefore.misses))
        pendingUploads.set(Int64(status.uploads.count))
        pendingBytes.set(status.uploads.reduce(Int64(0)) { $0 + $1.size - $1.bytesDone })
    }

    /// Records one upload Box has taken, timed from the close(2) that journaled it.
    func recordUpload(after duration: Duration) {
        uploadDurations.record(duration)
    }
}
