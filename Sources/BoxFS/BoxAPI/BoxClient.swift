import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// A client for the part of the Box API a filesystem needs.
///
/// One client per mount: it owns a pooled `HTTPClient`, the rate-limit buckets and the request counters,
/// and is safe to use from any number of tasks at once. Every call draws from the rate limiter, asks the
/// ``AccessTokenProvider`` for a token (refreshing once on `401`), and is retried per ``RetryPolicy``.
/// Failures are thrown as ``BoxAPIError``.
///
/// Call ``shutdown()`` before dropping the client.
public final class BoxClient: Sendable {
    /// The configuration the client was created with.
    public let configuration: BoxClientConfiguration

    let http: HTTPClient
    let tokens: any AccessTokenProvider
    let logger: Logger
    let limiter: RateLimiter
    let retryPolicy: RetryPolicy
    let recorder = StatsRecorder()
    let downloadURLs: DownloadURLCache

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - configuration: Box's URLs, rate budgets, retry bounds.
    ///   - tokens: Where bearer tokens come from.
    ///   - logger: Logs retries and failures (requests themselves at `trace`).
    public init(configuration: BoxClientConfiguration, tokens: any AccessTokenProvider, logger: Logger) {
        self.configuration = configuration
        self.tokens = tokens
        self.logger = logger
        // Redirects are followed by hand: the download 302 points at another host that must not see the
        // bearer token, and the client wants to cache that URL.
        var http = HTTPClient.Configuration(redirectConfiguration: .disallow)
        http.timeout = .init(connect: .seconds(10))
        // Read-ahead runs up to 16 block downloads in parallel to the one download host (AHC's default is 8).
        http.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 16
        http.proxy = configuration.proxy
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: http)
        limiter = RateLimiter(
            callsPerMinute: configuration.apiCallsPerMinute, uploadsPerMinute: configuration.uploadsPerMinute)
        retryPolicy = RetryPolicy(
            maxRetries: configuration.maxRetries, baseDelay: configuration.retryBaseDelay,
            maxDelay: configuration.maxRetryDelay)
        downloadURLs = DownloadURLCache(lifetime: configuration.downloadURLLifetime)
    }

    /// Closes the connection pool. In-flight calls fail.
    public func shutdown() async throws {
        try await http.shutdown()
    }

    /// Requests sent, retries and `429`s so far.
    public var stats: ClientStats { recorder.snapshot }

    /// The deadline for an attempt that moves `bytes` of content.
    func transferTimeout(bytes: Int64) -> TimeInterval {
        configuration.requestTimeout + Double(bytes) / Double(max(1, configuration.minimumTransferRate))
    }

    /// A request to the API root.
    func apiRequest(_ method: HTTPMethod, _ path: String, query: [(String, String)] = [], kind: EndpointKind)
        -> BoxRequest
    {
        BoxRequest(method, BoxURL.make(configuration.apiURL, path, query: query), kind: kind,
                   timeout: configuration.requestTimeout)
    }

    /// A request to the upload root (drawn from the upload budget).
    func uploadRequest(_ method: HTTPMethod, _ path: String, query: [(String, String)] = [], kind: EndpointKind)
        -> BoxRequest
    {
        var request = BoxRequest(method, BoxURL.make(configuration.uploadURL, path, query: query), kind: kind,
                                 timeout: configuration.requestTimeout)
        request.bucket = .upload
        return request
    }
}
