import Foundation

/// What a running mount reports about itself: the daemon writes it as JSON in its cache directory and
/// `boxfs status` / `boxfs unmount` read it. Plain values only, so the format is easy to read from scripts too.
public struct MountStatus: Codable, Sendable, Equatable {
    /// The daemon's process id (a status whose process is gone is stale).
    public var pid: Int32
    public var mountpoint: String
    public var cacheDirectory: String
    public var apiURL: String
    /// When this was written.
    public var updatedAt: Date
    public var connection: Connection
    public var uploads: [PendingUpload]
    public var cache: CacheUsage
    public var lastMinute: APIActivity
    public var sinceMount: APIActivity

    public enum Connection: String, Codable, Sendable {
        /// Box answered the last calls (or nothing has failed yet).
        case online
        /// Recent calls got no HTTP answer at all; reads are served from the cache, writes stay queued.
        case offline
    }

    /// One journaled upload that is not on Box yet.
    public struct PendingUpload: Codable, Sendable, Equatable {
        /// The journal entry's id.
        public var id: Int64
        /// The file's name (the journal knows files by id and folder, not by path).
        public var name: String
        public var size: Int64
        /// Bytes Box has confirmed so far (the parts of a chunked upload; simple uploads jump from 0 to done).
        public var bytesDone: Int64
        /// `pending`, `uploading`, `committing` or `failed` (failed uploads are retried with backoff).
        public var state: String
        public var attempts: Int
        public var lastError: String?
        /// When close(2) journaled it.
        public var queuedAt: Date
    }

    public struct CacheUsage: Codable, Sendable, Equatable {
        public var bytes: Int64
        public var capacity: Int64
        public var blocks: Int
        /// Block reads answered from the cache, and those that had to download, since the mount started.
        public var hits: Int64 = 0
        public var misses: Int64 = 0
    }

    /// Requests sent to Box over a period. `calls` counts API calls and upload requests, retries included, but
    /// not the downloads of content from download URLs (those are not Box API calls).
    public struct APIActivity: Codable, Sendable, Equatable {
        public var calls: Int
        public var retries: Int
        public var rateLimited: Int
        public var serverErrors: Int
        public var transportErrors: Int
        public var bytesUploaded: Int64
        public var bytesDownloaded: Int64
    }

    /// Where the daemon writes its status: in the mount's cache directory.
    public static func fileURL(inCacheDirectory directory: URL) -> URL {
        directory.appendingPathComponent("status.json")
    }
}

extension MountStatus.APIActivity {
    /// The activity between two snapshots of a client's counters.
    init(from start: ClientStats, to end: ClientStats) {
        func apiCalls(_ stats: ClientStats) -> Int { stats.totalCalls - stats.calls[.downloadContent, default: 0] }
        calls = apiCalls(end) - apiCalls(start)
        retries = end.retries - start.retries
        rateLimited = end.rateLimited - start.rateLimited
        serverErrors = end.serverErrors - start.serverErrors
        transportErrors = end.transportErrors - start.transportErrors
        bytesUploaded = end.bytesUploaded - start.bytesUploaded
        bytesDownloaded = end.bytesDownloaded - start.bytesDownloaded
    }
}
