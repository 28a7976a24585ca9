import AsyncHTTPClient
import Foundation

/// Settings for a ``BoxClient``: where Box is, how fast to call it, how hard to retry.
public struct BoxClientConfiguration: Sendable {
    /// The API root, e.g. `https://api.box.com/2.0`.
    public var apiURL: String
    /// The upload root, e.g. `https://upload.box.com/api/2.0`. Never derived from ``apiURL``.
    public var uploadURL: String
    /// Deadline for a small call (metadata, listing page, session create, commit), in seconds.
    /// Transfers get this plus the time their size needs at ``minimumTransferRate``.
    public var requestTimeout: TimeInterval = 60
    /// The slowest transfer rate (bytes/s) tolerated before a transfer attempt is abandoned and retried.
    public var minimumTransferRate: Int64 = 256 * 1024
    /// The client-side budget for API calls per minute (Box allows about 1,000 per user).
    public var apiCallsPerMinute: Int = 1000
    /// The client-side budget for upload requests per minute (Box allows 240 per user).
    public var uploadsPerMinute: Int = 240
    /// A user id sent as `As-User` on every API and upload call, for service accounts acting as a user.
    public var asUser: String?
    /// Sends `Box-Notifications: off` on every API and upload call, so changes made through the mount don't email
    /// collaborators. Box honours it only for apps granted that capability; actions still appear in events.
    public var suppressNotifications = false
    /// Retries after the first attempt for a failing call (429, 5xx, dropped connection), so at most
    /// `maxRetries + 1` attempts. A 401 refresh retry and 202 "not ready" waits are counted separately.
    public var maxRetries: Int = 5
    /// First backoff delay in seconds; doubles per retry, with jitter, up to ``maxRetryDelay``.
    public var retryBaseDelay: TimeInterval = 1
    /// Upper bound for one backoff delay (also caps a `Retry-After` Box asks for), in seconds.
    public var maxRetryDelay: TimeInterval = 60
    /// Files at least this large go through a chunked upload session (Box's minimum is 20 MB).
    public var chunkedUploadThreshold: Int64 = 20 * 1024 * 1024
    /// Parts of one chunked upload sent at the same time.
    public var chunkedUploadConcurrency: Int = 4
    /// How often a download answering `202` (not ready) or a commit answering `202` (not processed)
    /// is repeated before giving up.
    public var maxNotReadyRetries: Int = 60
    /// How long a download URL (the target of the `302`) is reused for reads of the same file version,
    /// in seconds. Box's expire after about 15 minutes.
    public var downloadURLLifetime: TimeInterval = 300
    /// The HTTP proxy every request goes through (tunnelled with CONNECT), nil for direct connections.
    public var proxy: HTTPClient.Configuration.Proxy?

    /// Creates a configuration for the given roots (Box's public ones by default).
    public init(apiURL: String = "https://api.box.com/2.0", uploadURL: String = "https://upload.box.com/api/2.0") {
        self.apiURL = apiURL
        self.uploadURL = uploadURL
    }
}
