import Cache

/// One name in a directory listing.
public struct DirectoryEntry: Sendable, Hashable {
    public var name: String
    public var inode: Inode
    public var type: FileType
    /// With readdirplus: the entry as `lookup` would answer it. The filesystem counts it as a lookup when it
    /// returns it; the bridge calls `forget` for every entry the kernel did not take (see
    /// ``FUSEOperations/readdir(inode:handle:offset:limit:plus:)``).
    public var entry: EntryReply?

    /// A plain readdir entry.
    public init(name: String, inode: Inode, type: FileType) {
        self.name = name
        self.inode = inode
        self.type = type
        self.entry = nil
    }

    /// A readdirplus entry carrying full attributes.
    public init(name: String, entry: EntryReply) {
        self.name = name
        self.inode = entry.attributes.inode
        self.type = entry.attributes.type
        self.entry = entry
    }
}
