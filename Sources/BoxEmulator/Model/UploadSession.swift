import Foundation

/// A chunked upload session (box-api.md §8): what it will create, Box's part size, and the parts received.
struct UploadSession: Sendable {
    /// A new file in a folder, or a new version of a file.
    enum Target: Sendable {
        case newFile(folder: ItemID, name: String)
        case newVersion(file: ItemID, name: String?)
    }

    struct Part: Sendable {
        let partID: String
        let offset: Int64
        let size: Int64
        let sha1: String
        /// Where the part's bytes are (not part of Box's representation).
        let file: URL

        /// Whether a part object a client sent back names this part.
        func matches(_ json: JSONValue) -> Bool {
            json["part_id"]?.stringValue == partID && json["offset"]?.int64Value == offset
                && json["size"]?.int64Value == size && json["sha1"]?.stringValue?.lowercased() == sha1
        }

        var json: JSONValue {
            .object([("part_id", .string(partID)), ("offset", .int(offset)), ("size", .int(size)), ("sha1", .string(sha1))])
        }
    }

    let id: String
    let user: UserID
    let target: Target
    let fileSize: Int64
    let partSize: Int64
    let expiresAt: Date
    /// Received parts by offset.
    var parts: [Int64: Part] = [:]
    /// Set once committed, so a repeated commit (after a lost answer) gets the same file back.
    var committedFile: ItemID?

    var totalParts: Int { Int((fileSize + partSize - 1) / partSize) }

    /// Box's part size isn't documented; the emulator follows what clients observe: 8 MiB below 1 GiB,
    /// 32 MiB from 1 GiB, doubled further so a session never needs more than 10,000 parts.
    static func partSize(forFileSize size: Int64) -> Int64 {
        var part: Int64 = size < 1 << 30 ? 8 << 20 : 32 << 20
        while (size + part - 1) / part > 10_000 { part *= 2 }
        return part
    }

    func json(baseURL: String) -> JSONValue {
        let url = "\(baseURL)/api/2.0/files/upload_sessions/\(id)"
        return .object([
            ("type", "upload_session"), ("id", .string(id)),
            ("session_expires_at", .string(BoxDate.format(expiresAt))),
            ("part_size", .int(partSize)), ("total_parts", .int(Int64(totalParts))),
            ("num_parts_processed", .int(Int64(parts.count))),
            ("session_endpoints", .object([
                ("upload_part", .string(url)), ("commit", .string(url + "/commit")), ("abort", .string(url)),
                ("list_parts", .string(url + "/parts")), ("status", .string(url)), ("log_event", .string(url + "/log")),
            ])),
        ])
    }
}
