import Foundation

extension MetadataStore {
    /// The cached record of `id`, if any.
    public func item(_ id: ItemID) throws -> ItemRecord? {
        try withConnection { db in try ItemsTable.item(id, in: db) }
    }

    /// The cached child of `parent` whose name equals `name` ignoring case, as Box compares names.
    ///
    /// The record carries the name's stored case.
    public func child(of parent: ItemID, named name: String) throws -> ItemRecord? {
        try withConnection { db in try ItemsTable.child(of: parent, named: name, in: db) }
    }

    /// The cached children of `parent`, ordered by case-folded name. Whether the list is complete is
    /// ``listingFetchedAt(_:)``'s answer.
    public func children(of parent: ItemID) throws -> [ItemRecord] {
        try withConnection { db in try ItemsTable.children(of: parent, in: db) }
    }

    /// Inserts or updates one item as Box reports it.
    ///
    /// Any other cached item with the same case-folded name in the same folder is removed (with its cached
    /// subtree): Box names are unique per folder, so it can only be stale. A negative entry for the name is cleared.
    ///
    /// Box keeps `content_modified_at` in whole seconds. When the incoming time is the cached one truncated, the
    /// cached sub-second part (set through the mount) is kept, so a file's mtime doesn't jump when Box echoes it.
    /// Local changes, which must win outright, go through ``updateIfPresent(_:)`` or `keepingSubsecondTime: false`.
    public func upsert(_ item: ItemRecord, keepingSubsecondTime: Bool = true) throws {
        try inTransaction { db in try ItemsTable.upsert(item, keepingSubsecondTime: keepingSubsecondTime, in: db) }
    }

    /// Inserts or updates many items in one transaction, with the same rules as ``upsert(_:keepingSubsecondTime:)``.
    public func upsert(_ items: [ItemRecord], keepingSubsecondTime: Bool = true) throws {
        try inTransaction { db in
            for item in items { try ItemsTable.upsert(item, keepingSubsecondTime: keepingSubsecondTime, in: db) }
        }
    }

    /// Marks the cached record of `id` as confirmed by Box at `date`, if it still has `etag` (Box answered 304 to
    /// that etag). Only the time is written: a change stored meanwhile (an event) is kept, not overwritten.
    ///
    /// - Returns: whether the record was still at that etag.
    @discardableResult
    public func confirm(_ id: ItemID, etag: String, at date: Date) throws -> Bool {
        try withConnection { db in
            try db.run("UPDATE items SET fetched_at = ? WHERE id = ? AND etag = ?", date, id, etag) > 0
        }
    }

    /// Removes an item from the cache; for a folder, also everything cached below it and their listings.
    ///
    /// The item's inode number stays reserved for it.
    public func remove(_ id: ItemID) throws {
        try inTransaction { db in try ItemsTable.removeSubtree(id, in: db) }
    }

    /// Moves and/or renames a cached item, keeping its cached subtree.
    ///
    /// - Returns: false if the item isn't cached (nothing changes).
    @discardableResult
    public func move(_ id: ItemID, to parent: ItemID, name: String) throws -> Bool {
        try inTransaction { db in try ItemsTable.move(id, to: parent, name: name, in: db) }
    }
}

extension MetadataStore {
    /// Stores `item` only if an item with its id is cached; returns whether it was.
    ///
    /// For changes made from a snapshot of a record: if the item was removed or rekeyed meanwhile, writing the
    /// snapshot back would resurrect it under its old id.
    @discardableResult
    public func updateIfPresent(_ item: ItemRecord) throws -> Bool {
        try inTransaction { db in
            guard try ItemsTable.item(item.id, in: db) != nil else { return false }
            try ItemsTable.upsert(item, keepingSubsecondTime: false, in: db)
            return true
        }
    }
}
