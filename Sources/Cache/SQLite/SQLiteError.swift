import CSQLite

/// A failure reported by SQLite, with the statement that caused it.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// The SQLite result code (`SQLITE_BUSY`, `SQLITE_FULL`, ...).
    public let code: Int32
    /// SQLite's message for the failure.
    public let message: String
    /// The SQL that was being prepared or run, if any.
    public let sql: String?

    public var description: String {
        let what = sql.map { " in '\($0)'" } ?? ""
        return "SQLite error \(code)\(what): \(message)"
    }

    init(code: Int32, database: OpaquePointer?, sql: String?) {
        self.code = code
        self.message = database.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            ?? String(cString: sqlite3_errstr(code))
        self.sql = sql
    }
}
