import Cache

/// Box's error JSON (`{"type":"error","status":409,"code":"item_name_in_use",...}`).
public struct BoxErrorBody: Sendable, Hashable, Decodable {
    /// The HTTP status Box put in the body.
    public var status: Int?
    /// Box's error code, e.g. `item_name_in_use`, `rate_limit_exceeded`.
    public var code: String?
    /// A human-readable message.
    public var message: String?
    /// Box's request id, for support tickets and logs.
    public var requestID: String?
    /// The existing items a name conflict (`409 item_name_in_use`) ran into, from `context_info.conflicts`.
    public var conflicts: [ConflictingItem]

    /// An item named in `context_info.conflicts`.
    public struct ConflictingItem: Sendable, Hashable, Decodable {
        /// The existing item's id.
        public var id: ItemID
        /// `file`, `folder` or `web_link`.
        public var type: String
        /// The existing item's name.
        public var name: String?
        /// Hex SHA-1 of the existing file's content, when Box includes it (uploads and preflight do).
        public var sha1: String?
        /// The existing item's etag.
        public var etag: String?

        /// File or folder; nil for other types (web links).
        public var kind: ItemKind? { ItemKind(rawValue: type) }
    }

    public init(status: Int? = nil, code: String? = nil, message: String? = nil, requestID: String? = nil,
                conflicts: [ConflictingItem] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.requestID = requestID
        self.conflicts = conflicts
    }

    private enum CodingKeys: String, CodingKey {
        case status, code, message
        case requestID = "request_id"
        case contextInfo = "context_info"
    }

    private enum ContextKeys: String, CodingKey { case conflicts }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        status = try? c.decodeIfPresent(Int.self, forKey: .status)
        code = try? c.decodeIfPresent(String.self, forKey: .code)
        message = try? c.decodeIfPresent(String.self, forKey: .message)
        requestID = try? c.decodeIfPresent(String.self, forKey: .requestID)
        conflicts = []
        // Folder creation reports an ARRAY of conflicts, uploads and preflight a single OBJECT: accept both.
        if let context = try? c.nestedContainer(keyedBy: ContextKeys.self, forKey: .contextInfo) {
            if let list = try? context.decode([ConflictingItem].self, forKey: .conflicts) {
                conflicts = list
            } else if let one = try? context.decode(ConflictingItem.self, forKey: .conflicts) {
                conflicts = [one]
            }
        }
    }
}
