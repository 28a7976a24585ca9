import Foundation

/// Where a chunked upload stands: its Box session and the parts already stored there.
///
/// The uploader reports a new value after creating the session and after every stored part. Persist the
/// latest one (it is `Codable`) and pass it back to resume after a crash or a network outage: parts
/// already stored are not sent again. A value whose session expired or no longer fits the file is
/// ignored and a new session is started.
public struct ChunkedUploadProgress: Sendable, Hashable, Codable {
    /// Box's upload session id.
    public var sessionID: String
    /// The session's URLs, used verbatim as Box returned them.
    public var endpoints: Endpoints
    /// Bytes per part (every part but the last is exactly this long), chosen by Box.
    public var partSize: Int64
    /// The number of parts.
    public var totalParts: Int
    /// The size of the file the session was created for.
    public var fileSize: Int64
    /// When Box discards the session.
    public var expiresAt: Date?
    /// Parts stored so far, in no particular order.
    public var parts: [UploadedPart]

    /// The URLs of an upload session (`session_endpoints`).
    public struct Endpoints: Sendable, Hashable, Codable {
        public var uploadPart: String
        public var commit: String
        public var abort: String
        public var listParts: String

        public init(uploadPart: String, commit: String, abort: String, listParts: String) {
            self.uploadPart = uploadPart
            self.commit = commit
            self.abort = abort
            self.listParts = listParts
        }
    }

    public init(sessionID: String, endpoints: Endpoints, partSize: Int64, totalParts: Int, fileSize: Int64,
                expiresAt: Date?, parts: [UploadedPart] = []) {
        self.sessionID = sessionID
        self.endpoints = endpoints
        self.partSize = partSize
        self.totalParts = totalParts
        self.fileSize = fileSize
        self.expiresAt = expiresAt
        self.parts = parts
    }

    /// The byte range of part `index`.
    func range(ofPart index: Int) -> ClosedRange<Int64> {
        let start = Int64(index) * partSize
        return start...(min(start + partSize, fileSize) - 1)
    }
}
