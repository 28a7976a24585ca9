import Foundation

/// The persistent metadata cache: Box items, the inode map, folder listings, negative entries, small state and
/// the upload journal, in one SQLite database (`<cache dir>/metadata.sqlite`).
///
/// The store records facts and the times they were fetched; deciding whether they are fresh enough (TTLs) is the
/// filesystem's business.
///
/// Thread safety: one connection behind one lock. Every call is a few indexed statements (microseconds), so
/// serialising them costs less than a connection pool would, and a single writer never meets `SQLITE_BUSY`.
public final class MetadataStore: @unchecked Sendable {
    /// The Box folder mounted as the filesystem root; it always has inode 1.
    public let rootFolderID: ItemID

    /// Held so the directory stays locked while this is in use.
    private let directory: CacheDirectory
    private let lock = NSLock()
    // Guarded by `lock`.
    private let db: SQLiteConnection
    /// Rows written to tables no listing reads (small state, the upload journal), which ``generation`` leaves
    /// out: the events position is stored after every page of events, and counting it made every folder listing
    /// the kernel had cached look changed. Guarded by `lock`.
    private var unlistedChanges: Int64 = 0

    /// Opens (creating if needed) the metadata database in `directory`.
    ///
    /// - Parameters:
    ///   - directory: the locked cache directory.
    ///   - rootFolderID: the Box folder mounted as the root (usually ``ItemID/root``). If the database was used
    ///     with another root folder before, inode 1 is moved to this one; the old root gets a fresh inode when asked.
    public init(directory: CacheDirectory, rootFolderID: ItemID = .root) throws {
        self.directory = directory
        self.rootFolderID = rootFolderID
        db = try SQLiteConnection(path: directory.metadataDatabasePath)
        try MetadataSchema.prepare(db)
        try db.transaction { try InodesTable.mapRoot(rootFolderID, in: db) }
    }

    /// Runs `body` with exclusive use of the connection.
    @discardableResult
    func withConnection<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try lock.withLock { try body(db) }
    }

    /// A number that changes whenever any cached row does (SQLite's count of changed rows), so a snapshot taken
    /// at one value is known to be current while the value stays the same.
    public var generation: Int64 {
        lock.withLock { listedChanges }
    }

    /// Rows changed in tables listings read. Call with `lock` held.
    var listedChanges: Int64 { db.totalChanges - unlistedChanges }

    /// Runs `body` with exclusive use of the connection, for writes to tables no listing reads (see
    /// ``generation``).
    @discardableResult
    func withUnlistedWrites<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try lock.withLock { try countingUnlisted(true) { try body(db) } }
    }

    /// Runs `body`, leaving the rows it changes out of ``generation`` if `unlisted`. Call with `lock` held.
    private func countingUnlisted<T>(_ unlisted: Bool, _ body: () throws -> T) rethrows -> T {
        let before = db.totalChanges
        defer { if unlisted { unlistedChanges += db.totalChanges - before } }
        return try body()
    }

    /// Runs `body` in one transaction with exclusive use of the connection.
    @discardableResult
    func inTransaction<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try lock.withLock { try db.transaction { try body(db) } }
    }

    /// Runs `body` in one transaction that is on disk when this returns, even across a power loss.
    ///
    /// `synchronous=NORMAL` (the default here) may lose the last commits on power loss; that is fine for cached
    /// metadata, not for the upload journal, whose entries are the only record of data not yet on Box.
    ///
    /// - Parameter unlisted: whether `body` only writes tables no listing reads (the upload journal), so
    ///   ``generation`` stays as it was.
    @discardableResult
    func inDurableTransaction<T>(unlisted: Bool = false, _ body: (SQLiteConnection) throws -> T) throws -> T {
        try lock.withLock {
            try db.execute("PRAGMA synchronous=FULL")
            defer { try? db.execute("PRAGMA synchronous=NORMAL") }
            return try countingUnlisted(unlisted) { try db.transaction { try body(db) } }
        }
    }
}
