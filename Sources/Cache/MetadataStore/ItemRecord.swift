import Foundation

/// What the cache knows about one Box file or folder, as of `fetchedAt`.
public struct ItemRecord: Sendable, Equatable {
    public var id: ItemID
    /// The containing folder; nil only for Box's root folder ("All Files"), which has no parent.
    public var parentID: ItemID?
    /// The name with Box's case preserved.
    public var name: String
    public var kind: ItemKind
    /// Bytes; for folders Box reports the recursive size.
    public var size: Int64
    /// Hex SHA-1 of the current file version (nil for folders).
    public var sha1: String?
    public var etag: String?
    /// `file_version.id` of the current version (nil for folders).
    public var fileVersionID: String?
    /// Box's `sequence_id`, compared with events' to drop stale ones.
    public var sequenceID: String?
    /// The client-supplied content time, which is what a filesystem shows as mtime: to the nanosecond when set
    /// through the mount, whole seconds as Box keeps it.
    public var contentModifiedAt: Timestamp?
    public var modifiedAt: Date?
    public var createdAt: Date?
    /// When this record was read from Box; the filesystem's TTL policy compares against it.
    public var fetchedAt: Date

    public init(
        id: ItemID, parentID: ItemID?, name: String, kind: ItemKind, size: Int64 = 0,
        sha1: String? = nil, etag: String? = nil, fileVersionID: String? = nil, sequenceID: String? = nil,
        contentModifiedAt: Timestamp? = nil, modifiedAt: Date? = nil, createdAt: Date? = nil, fetchedAt: Date
    ) {
        self.id = id
        self.parentID = parentID
        self.name = name
        self.kind = kind
        self.size = size
        self.sha1 = sha1
        self.etag = etag
        self.fileVersionID = fileVersionID
        self.sequenceID = sequenceID
        self.contentModifiedAt = contentModifiedAt
        self.modifiedAt = modifiedAt
        self.createdAt = createdAt
        self.fetchedAt = fetchedAt
    }
}
