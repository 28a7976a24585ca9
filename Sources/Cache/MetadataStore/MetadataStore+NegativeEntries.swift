import Foundation

extension MetadataStore {
    /// Records that `parent` had no item named `name` (compared ignoring case) at `time`.
    ///
    /// Cleared by an upsert or move of an item with that name into `parent`, by removing `parent` and by
    /// ``invalidateListing(_:)``.
    public func recordAbsence(of name: String, in parent: ItemID, at time: Date) throws {
        try withConnection { db in
            try db.run("INSERT OR REPLACE INTO negative_entries (parent_id, name_key, recorded_at) VALUES (?, ?, ?)",
                       parent, NameFolding.key(name), time)
        }
    }

    /// When `name` was last recorded absent from `parent`, or nil if no negative entry is held.
    public func absenceRecordedAt(of name: String, in parent: ItemID) throws -> Date? {
        try withConnection { db in
            try db.queryFirst("SELECT recorded_at FROM negative_entries WHERE parent_id = ? AND name_key = ?",
                              parent, NameFolding.key(name)) { $0.date(0) }
        }
    }
}
