import Cache
import Foundation

/// A file or folder as the filesystem needs it: identity, place in the tree, size, content hash and the
/// version markers used for conditional requests and event ordering.
public struct BoxItem: Sendable, Hashable {
    /// The item's id (`"0"` for the root folder).
    public var id: ItemID
    /// File or folder. Web links never become a `BoxItem`.
    public var kind: ItemKind
    /// The item's name, case preserved.
    public var name: String
    /// The containing folder; nil for the root (and for items whose parent the user can't see).
    public var parentID: ItemID?
    /// Bytes: the content size for files, the recursive size for folders.
    public var size: Int64
    /// Hex SHA-1 of the current version (files only).
    public var sha1: String?
    /// The value for `If-Match`; changes with every change of the item. Nil for the root.
    public var etag: String?
    /// Orders changes to this item; compare with an event's source `sequence_id` to drop stale events.
    public var sequenceID: String?
    /// The current version's id (files only); pass it to `download(_:range:version:)` to read that version.
    public var fileVersionID: String?
    /// The client-supplied modification time (the mtime boxfs shows).
    public var contentModifiedAt: Date?
    /// When the item last changed on Box.
    public var modifiedAt: Date?
    /// When the item was created on Box.
    public var createdAt: Date?
    /// `active`, `trashed` or `deleted`; only active items belong in the mount.
    public var itemStatus: String?

    public init(
        id: ItemID, kind: ItemKind, name: String, parentID: ItemID? = nil, size: Int64 = 0, sha1: String? = nil,
        etag: String? = nil, sequenceID: String? = nil, fileVersionID: String? = nil,
        contentModifiedAt: Date? = nil, modifiedAt: Date? = nil, createdAt: Date? = nil, itemStatus: String? = nil
    ) {
        self.id = id
        self.kind = kind
        self.name = name
        self.parentID = parentID
        self.size = size
        self.sha1 = sha1
        self.etag = etag
        self.sequenceID = sequenceID
        self.fileVersionID = fileVersionID
        self.contentModifiedAt = contentModifiedAt
        self.modifiedAt = modifiedAt
        self.createdAt = createdAt
        self.itemStatus = itemStatus
    }

    /// Whether the item is live (not in the trash or purged). Items that don't report a status are live.
    public var isActive: Bool { itemStatus == nil || itemStatus == "active" }

    /// The `fields=` value that makes Box return everything a `BoxItem` holds (and nothing else,
    /// since `fields` replaces the default set).
    static let fields =
        "type,id,name,parent,size,sha1,etag,sequence_id,file_version,content_modified_at,modified_at,created_at,item_status"
}

extension BoxItem: Decodable {
    private enum CodingKeys: String, CodingKey {
        case type, id, name, parent, size, sha1, etag
        case sequenceID = "sequence_id"
        case fileVersion = "file_version"
        case contentModifiedAt = "content_modified_at"
        case modifiedAt = "modified_at"
        case createdAt = "created_at"
        case itemStatus = "item_status"
    }

    private struct Reference: Decodable {
        var id: String
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        guard let kind = ItemKind(rawValue: type) else {
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "not a file or folder: \(type)")
        }
        self.kind = kind
        id = try c.decode(ItemID.self, forKey: .id)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
        parentID = try c.decodeIfPresent(Reference.self, forKey: .parent).map { ItemID($0.id) }
        size = try c.decodeLenientInt64IfPresent(forKey: .size) ?? 0
        sha1 = try c.decodeIfPresent(String.self, forKey: .sha1)?.lowercased()
        etag = try c.decodeIfPresent(String.self, forKey: .etag)
        sequenceID = try c.decodeIfPresent(String.self, forKey: .sequenceID)
        fileVersionID = try c.decodeIfPresent(Reference.self, forKey: .fileVersion)?.id
        contentModifiedAt = try c.decodeIfPresent(Date.self, forKey: .contentModifiedAt)
        modifiedAt = try c.decodeIfPresent(Date.self, forKey: .modifiedAt)
        createdAt = try c.decodeIfPresent(Date.self, forKey: .createdAt)
        itemStatus = try c.decodeIfPresent(String.self, forKey: .itemStatus)
    }
}
