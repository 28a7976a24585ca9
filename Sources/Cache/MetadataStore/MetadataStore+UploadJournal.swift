import Foundation

/// The upload journal: every change to it is committed durably (see `inDurableTransaction`), because an entry is
/// the only record that staged data still has to reach Box.
extension MetadataStore {
    /// Adds a pending upload and returns its entry.
    public func addUpload(stagingPath: String, target: UploadTarget, size: Int64, mtimeNanoseconds: Int64,
                          at now: Date = Date()) throws -> UploadJournalEntry {
        try inDurableTransaction(unlisted: true) { db in
            let (itemID, baseETag, parentID, name) = Self.columns(of: target)
            try db.run("""
                INSERT INTO uploads (staging_path, target_item_id, base_etag, parent_id, name, size, mtime_ns, state,
                                     attempts, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)
                """,
                stagingPath, itemID, baseETag, parentID, name, size, mtimeNanoseconds, UploadState.pending.rawValue,
                now, now)
            return UploadJournalEntry(
                id: UploadID(db.lastInsertRowID), stagingPath: stagingPath, target: target, size: size,
                mtimeNanoseconds: mtimeNanoseconds, state: .pending, session: nil, partsDoneJSON: nil,
                attempts: 0, lastError: nil, createdAt: now, updatedAt: now)
        }
    }

    /// The journal entry `id`, if it exists.
    public func upload(_ id: UploadID) throws -> UploadJournalEntry? {
        try withConnection { db in
            try db.queryFirst("SELECT \(Self.uploadColumns) FROM uploads WHERE id = ?", id.rawValue, row: Self.entry)
        }
    }

    /// All journal entries, oldest first.
    public func uploads() throws -> [UploadJournalEntry] {
        try withConnection { db in
            try db.query("SELECT \(Self.uploadColumns) FROM uploads ORDER BY id", row: Self.entry)
        }
    }

    /// Stores every mutable field of `entry`, with `updatedAt` set to `now`.
    ///
    /// - Returns: the entry as stored, or nil if it is no longer in the journal.
    @discardableResult
    public func updateUpload(_ entry: UploadJournalEntry, at now: Date = Date()) throws -> UploadJournalEntry? {
        try inDurableTransaction(unlisted: true) { db in
            let (itemID, baseETag, parentID, name) = Self.columns(of: entry.target)
            let changed = try db.run("""
                UPDATE uploads SET staging_path = ?, target_item_id = ?, base_etag = ?, parent_id = ?, name = ?,
                    size = ?, mtime_ns = ?, state = ?, session_id = ?, session_endpoints = ?, parts_done = ?,
                    attempts = ?, last_error = ?, updated_at = ?
                WHERE id = ?
                """,
                entry.stagingPath, itemID, baseETag, parentID, name, entry.size, entry.mtimeNanoseconds,
                entry.state.rawValue, entry.session?.id, entry.session?.endpointsJSON, entry.partsDoneJSON,
                entry.attempts, entry.lastError, now, entry.id.rawValue)
            guard changed > 0 else { return nil }
            var stored = entry
            stored.updatedAt = now
            return stored
        }
    }

    /// Points journaled uploads of a new file at its new name and folder, when it is renamed or moved before Box
    /// has it: a replay after a crash then finds the file (and creates it under the name it has now).
    public func retargetNewFileUploads(in parent: ItemID, named name: String, to newParent: ItemID, name newName: String)
        throws
    {
        try inDurableTransaction(unlisted: true) { db in
            _ = try db.run("""
                UPDATE uploads SET parent_id = ?, name = ? WHERE target_item_id IS NULL AND parent_id = ? AND name = ?
                """, newParent, newName, parent, name)
        }
    }

    /// A new file renamed over `existing` before Box has it takes `existing`'s place, in one durable
    /// transaction: the new file's row and inode take `existing`'s id and the name `name` in `parent` (the old
    /// inode is left for the kernel to forget), and its journaled uploads, found by the name it had, become
    /// new versions of `existing` based on `baseETag`.
    ///
    /// rsync updates a file this way: Box then keeps one file with its versions, id and shared links, rather
    /// than a trashed file and a new one.
    public func takeOver(
        _ existing: ItemID, baseETag: String?, by provisional: ItemID, from current: (parent: ItemID, name: String),
        to parent: ItemID, name: String
    ) throws {
        try inDurableTransaction { db in
            _ = try db.run("""
                UPDATE uploads SET target_item_id = ?, base_etag = ?, parent_id = NULL, name = NULL
                WHERE target_item_id IS NULL AND parent_id = ? AND name = ?
                """, existing, baseETag, current.parent, current.name)
            try Self.rekey(provisional, to: existing, in: db)
            _ = try ItemsTable.move(existing, to: parent, name: name, in: db)
        }
    }

    /// Removes the entry `id` (its upload finished or was abandoned); removing a missing entry is not an error.
    public func removeUpload(_ id: UploadID) throws {
        try inDurableTransaction(unlisted: true) { db in try db.run("DELETE FROM uploads WHERE id = ?", id.rawValue) }
    }

    private static let uploadColumns = """
        id, staging_path, target_item_id, base_etag, parent_id, name, size, mtime_ns, state, session_id, \
        session_endpoints, parts_done, attempts, last_error, created_at, updated_at
        """

    private static func columns(of target: UploadTarget) -> (ItemID?, String?, ItemID?, String?) {
        switch target {
        case .newVersion(let id, let baseETag): return (id, baseETag, nil, nil)
        case .newFile(let parent, let name): return (nil, nil, parent, name)
        }
    }

    private static func entry(_ row: SQLiteRow) throws -> UploadJournalEntry {
        let target: UploadTarget
        if let itemID = row.optionalString(2) {
            target = .newVersion(of: ItemID(itemID), baseETag: row.optionalString(3))
        } else {
            target = .newFile(parent: ItemID(row.string(4)), name: row.string(5))
        }
        let session = row.optionalString(9).map {
            ChunkedUploadSession(id: $0, endpointsJSON: row.optionalString(10) ?? "{}")
        }
        return UploadJournalEntry(
            id: UploadID(row.int64(0)), stagingPath: row.string(1), target: target, size: row.int64(6),
            // Only UploadState values are ever written; `failed` keeps anything unexpected visible, never retried.
            mtimeNanoseconds: row.int64(7), state: UploadState(rawValue: row.string(8)) ?? .failed,
            session: session, partsDoneJSON: row.optionalString(11), attempts: Int(row.int64(12)),
            lastError: row.optionalString(13), createdAt: row.date(14), updatedAt: row.date(15))
    }
}
