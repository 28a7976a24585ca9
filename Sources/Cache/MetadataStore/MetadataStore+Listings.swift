import Foundation

extension MetadataStore {
    /// Records the complete child list of `folder`, as fetched at `fetchedAt`, in one transaction.
    ///
    /// Cached children missing from `children` are removed with their subtrees; the others are upserted as Box
    /// reports them (see ``upsert(_:)-(ItemRecord)``) and the listing is marked complete.
    ///
    /// - Precondition: every record's `parentID` is `folder`.
    public func replaceListing(of folder: ItemID, with children: [ItemRecord], at fetchedAt: Date) throws {
        precondition(children.allSatisfy { $0.parentID == folder }, "listing entries must belong to \(folder)")
        try inTransaction { db in
            let current = Set(children.map(\.id))
            for vanished in try ItemsTable.childIDs(of: folder, in: db) where !current.contains(vanished) {
                try ItemsTable.removeSubtree(vanished, in: db)
            }
            for child in children { try ItemsTable.upsert(child, keepingSubsecondTime: true, in: db) }
            try db.run("INSERT OR REPLACE INTO listings (folder_id, fetched_at) VALUES (?, ?)", folder, fetchedAt)
        }
    }

    /// When `folder`'s complete child list was recorded, or nil if the cache doesn't hold a complete list.
    public func listingFetchedAt(_ folder: ItemID) throws -> Date? {
        try withConnection { db in
            try db.queryFirst("SELECT fetched_at FROM listings WHERE folder_id = ?", folder) { $0.date(0) }
        }
    }

    /// Forgets that `folder`'s child list is complete, and its negative entries; the cached children stay.
    public func invalidateListing(_ folder: ItemID) throws {
        try inTransaction { db in
            try db.run("DELETE FROM listings WHERE folder_id = ?", folder)
            try db.run("DELETE FROM negative_entries WHERE parent_id = ?", folder)
        }
    }
}

extension MetadataStore {
    /// Forgets that any listing is complete (and every negative entry): after a gap in the events stream,
    /// nothing cached can be trusted to be current, though it can still be served while Box is unreachable.
    public func invalidateAllListings() throws {
        try inTransaction { db in
            try db.run("DELETE FROM listings")
            try db.run("DELETE FROM negative_entries")
        }
    }
}
