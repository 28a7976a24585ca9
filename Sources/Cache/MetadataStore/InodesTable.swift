/// Statements on the `inodes` table; callers hold the store's lock.
enum InodesTable {
    static let rootInode: Inode = 1

    static func mapRoot(_ root: ItemID, in db: SQLiteConnection) throws {
        try db.run("DELETE FROM inodes WHERE (inode = 1 AND item_id <> ?1) OR (item_id = ?1 AND inode <> 1)", root)
        try db.run("INSERT OR IGNORE INTO inodes (inode, item_id) VALUES (1, ?)", root)
    }

    static func inode(for id: ItemID, in db: SQLiteConnection) throws -> Inode? {
        try db.queryFirst("SELECT inode FROM inodes WHERE item_id = ?", id) { Inode($0.int64(0)) }
    }

    static func allocate(for id: ItemID, in db: SQLiteConnection) throws -> Inode {
        try db.run("INSERT INTO inodes (item_id) VALUES (?)", id)
        return Inode(db.lastInsertRowID)
    }

    /// The inode of `id`, allocated the first time the id is seen.
    static func inodeAllocating(for id: ItemID, in db: SQLiteConnection) throws -> Inode {
        try inode(for: id, in: db) ?? allocate(for: id, in: db)
    }

    static func itemID(for inode: Inode, in db: SQLiteConnection) throws -> ItemID? {
        guard let signed = Int64(exactly: inode) else { return nil }
        return try db.queryFirst("SELECT item_id FROM inodes WHERE inode = ?", signed) { ItemID($0.string(0)) }
    }
}
