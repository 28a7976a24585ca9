import CSQLite
import Foundation

/// A value bound to a statement parameter.
enum SQLiteValue {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
}

/// Something that can be bound to a statement parameter.
protocol SQLiteBindable {
    var sqliteValue: SQLiteValue { get }
}

extension String: SQLiteBindable {
    var sqliteValue: SQLiteValue { .text(self) }
}

extension Int64: SQLiteBindable {
    var sqliteValue: SQLiteValue { .integer(self) }
}

extension Int: SQLiteBindable {
    var sqliteValue: SQLiteValue { .integer(Int64(self)) }
}

extension Double: SQLiteBindable {
    var sqliteValue: SQLiteValue { .real(self) }
}

/// Dates are stored as Unix seconds (REAL), which keeps them readable in the `sqlite3` shell.
extension Date: SQLiteBindable {
    var sqliteValue: SQLiteValue { .real(timeIntervalSince1970) }
}

extension Timestamp: SQLiteBindable {
    var sqliteValue: SQLiteValue { .integer(nanosecondsSince1970) }
}

extension ItemID: SQLiteBindable {
    var sqliteValue: SQLiteValue { .text(rawValue) }
}

extension Optional: SQLiteBindable where Wrapped: SQLiteBindable {
    var sqliteValue: SQLiteValue { self?.sqliteValue ?? .null }
}
