import CSQLite
import Foundation

/// The current row of a statement being stepped; only valid inside the row closure that receives it.
struct SQLiteRow {
    fileprivate let handle: OpaquePointer

    init(statement handle: OpaquePointer) { self.handle = handle }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }

    func string(_ column: Int32) -> String {
        guard let text = sqlite3_column_text(handle, column) else { return "" }
        return String(cString: text)
    }

    func optionalString(_ column: Int32) -> String? { isNull(column) ? nil : string(column) }

    func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }

    func date(_ column: Int32) -> Date { Date(timeIntervalSince1970: double(column)) }

    func optionalDate(_ column: Int32) -> Date? { isNull(column) ? nil : date(column) }
}
