import Foundation

/// Statements on the `items` table and the rows that hang off items; callers hold the store's lock.
enum ItemsTable {
    private static let columns = """
        id, parent_id, name, kind, size, sha1, etag, file_version_id, sequence_id, \
        content_modified_ns, modified_at, created_at, fetched_at
        """

    static func item(_ id: ItemID, in db: SQLiteConnection) throws -> ItemRecord? {
        try db.queryFirst("SELECT \(columns) FROM items WHERE id = ?", id, row: record)
    }

    static func child(of parent: ItemID, named name: String, in db: SQLiteConnection) throws -> ItemRecord? {
        try db.queryFirst("SELECT \(columns) FROM items WHERE parent_id = ? AND name_key = ?",
                          parent, NameFolding.key(name), row: record)
    }

    static func children(of parent: ItemID, in db: SQLiteConnection) throws -> [ItemRecord] {
        try db.query("SELECT \(columns) FROM items WHERE parent_id = ? ORDER BY name_key", parent, row: record)
    }

    static func childIDs(of parent: ItemID, in db: SQLiteConnection) throws -> [ItemID] {
        try db.query("SELECT id FROM items WHERE parent_id = ?", parent) { ItemID($0.string(0)) }
    }

    /// Inserts or replaces `item`. Another cached item holding the same name in the same folder must be stale
    /// (Box names are unique per folder), so it is removed with its subtree; a negative entry for the name is
    /// cleared.
    ///
    /// With `keepingSubsecondTime`, an incoming `content_modified_at` in whole seconds that is the cached one
    /// truncated leaves the cached one in place: Box keeps whole seconds, so its echo of an mtime set here must
    /// not make the file's time jump back by a fraction of a second (rsync and make compare nanoseconds).
    static func upsert(_ item: ItemRecord, keepingSubsecondTime: Bool, in db: SQLiteConnection) throws {
        let key = NameFolding.key(item.name)
        if let parent = item.parentID {
            try clearName(key, in: parent, for: item.id, in: db)
        }
        try db.run("""
            INSERT INTO items (\(columns), name_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET
                parent_id = excluded.parent_id, name = excluded.name, name_key = excluded.name_key,
                kind = excluded.kind, size = excluded.size, sha1 = excluded.sha1, etag = excluded.etag,
                file_version_id = excluded.file_version_id, sequence_id = excluded.sequence_id,
                content_modified_ns = CASE
                    WHEN ? AND excluded.content_modified_ns % 1000000000 = 0
                        AND items.content_modified_ns / 1000000000 = excluded.content_modified_ns / 1000000000
                    THEN items.content_modified_ns ELSE excluded.content_modified_ns END,
                modified_at = excluded.modified_at,
                created_at = excluded.created_at, fetched_at = excluded.fetched_at
            """,
            item.id, item.parentID, item.name, item.kind.rawValue, item.size, item.sha1, item.etag,
            item.fileVersionID, item.sequenceID, item.contentModifiedAt, item.modifiedAt, item.createdAt,
            item.fetchedAt, key, keepingSubsecondTime ? 1 : 0)
    }

    /// Moves or renames a cached item; returns false if it isn't cached.
    static func move(_ id: ItemID, to parent: ItemID, name: String, in db: SQLiteConnection) throws -> Bool {
        let key = NameFolding.key(name)
        try clearName(key, in: parent, for: id, in: db)
        return try db.run("UPDATE items SET parent_id = ?, name = ?, name_key = ? WHERE id = ?",
                          parent, name, key, id) > 0
    }

    /// Removes `id` and, for a folder, everything cached below it, with their listings and negative entries.
    static func removeSubtree(_ id: ItemID, in db: SQLiteConnection) throws {
        // UNION (not UNION ALL) stops at ids already seen, so even a corrupt parent cycle terminates.
        let subtree = """
            WITH RECURSIVE subtree(id) AS (
                SELECT ?1 UNION SELECT items.id FROM items JOIN subtree ON items.parent_id = subtree.id
            )
            """
        try db.run("\(subtree) DELETE FROM listings WHERE folder_id IN subtree", id)
        try db.run("\(subtree) DELETE FROM negative_entries WHERE parent_id IN subtree", id)
        try db.run("\(subtree) DELETE FROM items WHERE id IN subtree", id)
    }

    private static func clearName(_ key: String, in parent: ItemID, for id: ItemID, in db: SQLiteConnection) throws {
        let displaced = try db.queryFirst("SELECT id FROM items WHERE parent_id = ? AND name_key = ? AND id <> ?",
                                          parent, key, id) { ItemID($0.string(0)) }
        if let displaced { try removeSubtree(displaced, in: db) }
        try db.run("DELETE FROM negative_entries WHERE parent_id = ? AND name_key = ?", parent, key)
    }

    private static func record(_ row: SQLiteRow) throws -> ItemRecord {
        ItemRecord(
            id: ItemID(row.string(0)),
            parentID: row.optionalString(1).map { ItemID($0) },
            name: row.string(2),
            kind: ItemKind(rawValue: row.string(3)) ?? .file,  // the CHECK constraint allows nothing else
            size: row.int64(4),
            sha1: row.optionalString(5),
            etag: row.optionalString(6),
            fileVersionID: row.optionalString(7),
            sequenceID: row.optionalString(8),
            contentModifiedAt: row.optionalInt64(9).map(Timestamp.init(nanosecondsSince1970:)),
            modifiedAt: row.optionalDate(10),
            createdAt: row.optionalDate(11),
            fetchedAt: row.date(12))
    }
}
