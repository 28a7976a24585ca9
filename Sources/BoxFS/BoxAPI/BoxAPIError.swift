import Cache

/// Why a Box API call failed. The filesystem maps these to errno in one place.
public enum BoxAPIError: Error, Sendable {
    /// `404`: no such item, no access to it, or it is in the trash.
    case notFound(BoxErrorBody?)
    /// `409 item_name_in_use`: the name is taken (case-insensitively) in the target folder.
    /// `existing` is the conflicting item when Box named it.
    case nameConflict(existing: BoxErrorBody.ConflictingItem?, BoxErrorBody?)
    /// `412`: the `If-Match` etag no longer matches; the item changed (or vanished) meanwhile.
    case preconditionFailed(BoxErrorBody?)
    /// `429` still answered after the retries; `retryAfter` is Box's last hint in seconds.
    case rateLimited(retryAfter: Double?)
    /// `401` even after the token provider had a chance to refresh; `challenge` is `WWW-Authenticate`.
    case unauthorized(challenge: String?)
    /// `403 storage_limit_exceeded`: the owner's quota is full.
    case quotaExceeded(BoxErrorBody?)
    /// `403 file_size_limit_exceeded` or `413`: the file is larger than the owner may upload.
    case fileTooLarge(BoxErrorBody?)
    /// `400 item_name_invalid` (or `item_name_too_long` with `tooLong` set).
    case nameInvalid(tooLong: Bool, BoxErrorBody?)
    /// `400 folder_not_empty`: a non-recursive delete of a folder with children.
    case folderNotEmpty(BoxErrorBody?)
    /// `403` other than quota and size: no permission, item locked, policy.
    case forbidden(BoxErrorBody?)
    /// Any other HTTP error status, with Box's error body when there was one.
    case http(status: Int, error: BoxErrorBody?)
    /// The request never got an HTTP answer (connection refused, dropped, timed out) after the retries.
    case transport(any Error)
    /// Box answered something the client can't use (bad JSON, missing header, wrong size).
    case invalidResponse(String)
    /// A local file to upload from or download into could not be read or written.
    case localFile(path: String, errno: Int32)

    /// Builds the typed error for an HTTP error status and its (possibly absent) Box error body.
    static func from(status: Int, body: BoxErrorBody?) -> BoxAPIError {
        switch (status, body?.code) {
        case (404, _): return .notFound(body)
        case (409, "item_name_in_use"), (409, "conflict"): return .nameConflict(existing: body?.conflicts.first, body)
        case (412, _): return .preconditionFailed(body)
        case (403, "storage_limit_exceeded"): return .quotaExceeded(body)
        case (403, "file_size_limit_exceeded"), (413, _): return .fileTooLarge(body)
        case (403, _): return .forbidden(body)
        case (400, "item_name_invalid"): return .nameInvalid(tooLong: false, body)
        case (400, "item_name_too_long"): return .nameInvalid(tooLong: true, body)
        case (400, "folder_not_empty"): return .folderNotEmpty(body)
        default: return .http(status: status, error: body)
        }
    }

    /// Box's error body, if the failure carried one.
    public var errorBody: BoxErrorBody? {
        switch self {
        case .notFound(let b), .preconditionFailed(let b), .quotaExceeded(let b), .fileTooLarge(let b),
            .folderNotEmpty(let b), .forbidden(let b):
            return b
        case .nameConflict(_, let b), .nameInvalid(_, let b): return b
        case .http(_, let b): return b
        case .rateLimited, .unauthorized, .transport, .invalidResponse, .localFile: return nil
        }
    }
}
