import Foundation

/// Identifies an entry of the upload journal.
public struct UploadID: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int64

    public init(_ rawValue: Int64) { self.rawValue = rawValue }
    public var description: String { String(rawValue) }
}

/// Where a staged upload goes on Box.
public enum UploadTarget: Sendable, Equatable {
    /// A new version of an existing file. `baseETag` is the etag the local contents were based on, sent as
    /// `If-Match` so a concurrent remote change is detected instead of overwritten; nil if unknown.
    case newVersion(of: ItemID, baseETag: String?)
    /// A new file called `name` in the folder `parent`.
    case newFile(parent: ItemID, name: String)
}

/// How far an upload has got.
public enum UploadState: String, Sendable, CaseIterable {
    /// Staged and waiting to be sent.
    case pending
    /// Being sent (a simple upload, or the parts of a chunked session).
    case uploading
    /// All parts sent; the chunked session is being committed.
    case committing
    /// Given up on; kept, with `lastError`, so the data isn't lost and an operator can act.
    case failed
}

/// A Box chunked upload session an upload is using, kept so an upload can resume after a restart.
public struct ChunkedUploadSession: Sendable, Equatable {
    public var id: String
    /// The session's `session_endpoints` object as JSON.
    public var endpointsJSON: String

    public init(id: String, endpointsJSON: String) {
        self.id = id
        self.endpointsJSON = endpointsJSON
    }
}

/// One pending upload: staged local contents that are not yet on Box.
public struct UploadJournalEntry: Sendable, Equatable {
    public let id: UploadID
    /// The staging file holding the contents.
    public var stagingPath: String
    public var target: UploadTarget
    public var size: Int64
    /// The local modification time to set as `content_modified_at`, in nanoseconds since the Unix epoch.
    public var mtimeNanoseconds: Int64
    public var state: UploadState
    public var session: ChunkedUploadSession?
    /// The parts already uploaded to `session`, as JSON owned by the upload code.
    public var partsDoneJSON: String?
    public var attempts: Int
    public var lastError: String?
    public let createdAt: Date
    public var updatedAt: Date
}
