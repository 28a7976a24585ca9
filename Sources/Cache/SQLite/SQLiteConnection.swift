import CSQLite

/// One SQLite connection with a cache of prepared statements.
///
/// Not thread-safe: the owner serialises access (the connection is opened with `SQLITE_OPEN_NOMUTEX` because
/// SQLite's own mutex would only duplicate the owner's lock).
final class SQLiteConnection {
    private let handle: OpaquePointer
    private var statements: [String: OpaquePointer] = [:]

    /// SQLite copies bound text immediately (`SQLITE_TRANSIENT`), so Swift strings need not outlive the call.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Opens (creating if needed) the database at `path`, in WAL mode with `synchronous=NORMAL`: a crash can lose
    /// the last transactions but never corrupts the file, and commits don't wait for an fsync.
    init(path: String, busyTimeoutMilliseconds: Int32 = 5_000) throws {
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let error = SQLiteError(code: rc, database: db, sql: nil)
            sqlite3_close(db)
            throw error
        }
        handle = db
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
        // Exclusive: the cache directory is locked to one mount, so the connection keeps the file locked instead
        // of taking and dropping fcntl locks around every statement (a tenth of a cached lookup's CPU), and WAL
        // then needs no shared-memory index. Set before WAL so no -shm file is made.
        try execute("PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close(handle)
    }

    /// Runs one or more statements that take no parameters and return no rows we care about.
    func execute(_ sql: String) throws {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw SQLiteError(code: rc, database: handle, sql: sql) }
    }

    /// Runs a statement to completion and returns the number of rows it changed.
    @discardableResult
    func run(_ sql: String, _ bindings: any SQLiteBindable...) throws -> Int {
        try withStatement(sql, bindings) { statement in
            while try step(statement, sql) {}
        }
        return Int(sqlite3_changes(handle))
    }

    /// Runs a query and maps every row.
    func query<T>(_ sql: String, _ bindings: any SQLiteBindable..., row: (SQLiteRow) throws -> T) throws -> [T] {
        try withStatement(sql, bindings) { statement in
            var rows: [T] = []
            while try step(statement, sql) { rows.append(try row(SQLiteRow(statement: statement))) }
            return rows
        }
    }

    /// Runs a query and maps its first row, if any.
    func queryFirst<T>(_ sql: String, _ bindings: any SQLiteBindable..., row: (SQLiteRow) throws -> T) throws -> T? {
        try withStatement(sql, bindings) { statement in
            try step(statement, sql) ? try row(SQLiteRow(statement: statement)) : nil
        }
    }

    /// The rowid of the last successful INSERT on this connection.
    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows inserted, updated or deleted through this connection since it was opened.
    var totalChanges: Int64 { sqlite3_total_changes64(handle) }

    /// Runs `body` in one transaction, rolled back if it throws. `BEGIN IMMEDIATE` takes the write lock up front,
    /// so a transaction never fails half-way with `SQLITE_BUSY` when it first writes.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    // MARK: - Statements

    private func withStatement<T>(_ sql: String, _ bindings: [any SQLiteBindable],
                                  _ body: (OpaquePointer) throws -> T) throws -> T {
        let statement = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (offset, value) in bindings.enumerated() {
            try bind(value.sqliteValue, to: statement, at: Int32(offset + 1), sql: sql)
        }
        return try body(statement)
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let cached = statements[sql] { return cached }
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw SQLiteError(code: rc, database: handle, sql: sql) }
        statements[sql] = statement
        return statement
    }

    private func bind(_ value: SQLiteValue, to statement: OpaquePointer, at index: Int32, sql: String) throws {
        let rc: Int32
        switch value {
        case .null: rc = sqlite3_bind_null(statement, index)
        case .integer(let v): rc = sqlite3_bind_int64(statement, index, v)
        case .real(let v): rc = sqlite3_bind_double(statement, index, v)
        case .text(let v): rc = sqlite3_bind_text(statement, index, v, -1, Self.transient)
        }
        guard rc == SQLITE_OK else { throw SQLiteError(code: rc, database: handle, sql: sql) }
    }

    /// Steps once: true when a row is available, false when done.
    private func step(_ statement: OpaquePointer, _ sql: String) throws -> Bool {
        switch sqlite3_step(statement) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let rc: throw SQLiteError(code: rc, database: handle, sql: sql)
        }
    }
}
