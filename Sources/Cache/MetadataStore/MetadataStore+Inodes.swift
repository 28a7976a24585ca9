extension MetadataStore {
    /// The inode number of `id`, allocating one the first time the id is seen.
    ///
    /// Numbers survive remounts: the root folder is always 1, every other id gets a number ≥ 2 that is never
    /// given to another id, even after the item is removed from the cache.
    public func inode(for id: ItemID) throws -> Inode {
        try withConnection { db in try InodesTable.inodeAllocating(for: id, in: db) }
    }

    /// The cached children of `folder` with their inode numbers, allocating the missing ones in one transaction
    /// (a first listing of 10,000 entries would otherwise commit 10,000 times), and the ``generation`` right
    /// after, under the same lock: the snapshot is current for as long as the generation stays the same.
    public func childrenSnapshot(of folder: ItemID) throws -> ChildrenSnapshot {
        try withConnection { db in
            let (children, inodes) = try db.transaction {
                let children = try ItemsTable.children(of: folder, in: db)
                let inodes = try children.map { try InodesTable.inodeAllocating(for: $0.id, in: db) }
                return (children, inodes)
            }
            return ChildrenSnapshot(children: children, inodes: inodes, generation: listedChanges)
        }
    }

    /// The item id behind an inode number, or nil if the number was never allocated.
    public func itemID(for inode: Inode) throws -> ItemID? {
        try withConnection { db in try InodesTable.itemID(for: inode, in: db) }
    }
}

extension MetadataStore {
    /// Gives the item cached as `old` the id `new`, keeping its inode number, in one transaction.
    ///
    /// A file created through the mount has a provisional id until its first upload returns Box's id; the kernel
    /// already holds the inode, so the inode must follow the item to its real id.
    public func rekey(_ old: ItemID, to new: ItemID) throws {
        try inTransaction { db in try Self.rekey(old, to: new, in: db) }
    }

    /// ``rekey(_:to:)`` inside a transaction the caller holds: a cached item `new` (and its inode, if `old` has
    /// one) gives way.
    static func rekey(_ old: ItemID, to new: ItemID, in db: SQLiteConnection) throws {
        try db.run("DELETE FROM items WHERE id = ?", new)
        try db.run("UPDATE items SET id = ? WHERE id = ?", new, old)
        if try InodesTable.inode(for: old, in: db) != nil {
            try db.run("DELETE FROM inodes WHERE item_id = ?", new)
            try db.run("UPDATE inodes SET item_id = ? WHERE item_id = ?", new, old)
        }
    }
}

/// A folder's cached children as one consistent read; see ``MetadataStore/childrenSnapshot(of:)``.
public struct ChildrenSnapshot: Sendable {
    /// Ordered by folded name, as listings are served.
    public let children: [ItemRecord]
    /// `inodes[i]` is the inode number of `children[i]`.
    public let inodes: [Inode]
    /// ``MetadataStore/generation`` when the snapshot was taken.
    public let generation: Int64
}
