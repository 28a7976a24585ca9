/// What a ``BoxClient`` has sent so far, for the daemon's status output.
public struct ClientStats: Sendable, Hashable {
    /// Requests sent (every attempt, retries included) by kind of endpoint.
    public var calls: [EndpointKind: Int] = [:]
    /// Attempts repeated after a 429, 5xx, dropped connection or 401 refresh.
    public var retries = 0
    /// `429` answers received.
    public var rateLimited = 0
    /// `5xx` answers received.
    public var serverErrors = 0
    /// Attempts that got no HTTP answer (refused, dropped, timed out).
    public var transportErrors = 0
    /// HTTP answers received, by endpoint kind and status code (every attempt, retried ones included).
    public var responses: [ResponseKey: Int] = [:]
    /// Content bytes received from download URLs.
    public var bytesDownloaded: Int64 = 0
    /// File content bytes sent in uploads (multipart file parts and chunked parts).
    public var bytesUploaded: Int64 = 0

    /// All calls, summed over kinds.
    public var totalCalls: Int { calls.values.reduce(0, +) }

    public init() {}
}

/// An endpoint kind and the HTTP status it answered with, for ``ClientStats/responses``.
public struct ResponseKey: Sendable, Hashable {
    public var kind: EndpointKind
    public var status: Int
}

/// The kind of endpoint a request went to, for ``ClientStats``.
public enum EndpointKind: String, Sendable, Hashable, CaseIterable {
    case user
    case folder
    case folderItems
    case file
    case createFolder
    case update
    case delete
    case preflight
    /// `GET /files/{id}/content` (answers with the 302).
    case downloadRedirect
    /// The GET of the download URL itself (not a Box API call).
    case downloadContent
    case upload
    case uploadSession
    case uploadPart
    case uploadCommit
    case uploadAbort
    case uploadParts
    case events
    case longPoll
}

/// Counts requests; shared by all tasks using one client.
final class StatsRecorder: Sendable {
    private let stats = Locked(ClientStats())

    var snapshot: ClientStats { stats.withLock { $0 } }

    func record(_ update: (inout ClientStats) -> Void) {
        stats.withLock { update(&$0) }
    }
}
