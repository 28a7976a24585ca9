extension MetadataStore {
    /// The inode number of `id`, allocating one the first time the id is seen.
    ///
    /// Numbers survive remounts: the root folder is always 1, every other id gets a number ≥ 2 that is never
    /// given to another id, even after the item is removed from the cache.
    public func inode(for id: ItemID) throws -> Inode {
        try withConnection { db in
            if let existing = try InodesTable.inode(for: id, in: db) { return existing }
            return try InodesTable.allocate(for: id, in: db)
        }
    }

    /// The item id behind an inode number, or nil if the number was never allocated.
    public func itemID(for inode: Inode) throws -> ItemID? {
        try withConnection { db in try InodesTable.itemID(for: inode, in: db) }
    }
}
