import Foundation

/// Box's `upload_session` object (the answer to creating a chunked upload session).
struct UploadSession: Decodable {
    var id: String
    var partSize: Int64
    var totalParts: Int
    var expiresAt: Date?
    var endpoints: Endpoints

    struct Endpoints: Decodable {
        var uploadPart: String
        var commit: String
        var abort: String
        var listParts: String

        private enum CodingKeys: String, CodingKey {
            case uploadPart = "upload_part"
            case commit, abort
            case listParts = "list_parts"
        }
    }

    private enum CodingKeys: String, CodingKey {
        case id
        case partSize = "part_size"
        case totalParts = "total_parts"
        case expiresAt = "session_expires_at"
        case endpoints = "session_endpoints"
    }

    /// The session as the start of an upload's progress.
    func progress(fileSize: Int64) -> ChunkedUploadProgress {
        ChunkedUploadProgress(
            sessionID: id,
            endpoints: .init(
                uploadPart: endpoints.uploadPart, commit: endpoints.commit, abort: endpoints.abort,
                listParts: endpoints.listParts),
            partSize: partSize, totalParts: totalParts, fileSize: fileSize, expiresAt: expiresAt)
    }
}

/// `{"part":{...}}`, the answer to a part upload.
struct UploadedPartResponse: Decodable {
    var part: UploadedPart
}

/// A page of `GET .../upload_sessions/{id}/parts`.
struct UploadedPartsPage: Decodable {
    var entries: [UploadedPart]
    var totalCount: Int?

    private enum CodingKeys: String, CodingKey {
        case entries
        case totalCount = "total_count"
    }
}
