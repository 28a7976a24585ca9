import Foundation

/// A point in time to the nanosecond, as file systems keep mtimes (`Date` is a `Double`: about 240 ns apart at
/// today's dates, so `touch -d @…123456789` would come back as …123456716).
public struct Timestamp: Sendable, Hashable, Comparable {
    /// Nanoseconds since 1970-01-01 UTC (Int64: ±292 years around it).
    public var nanosecondsSince1970: Int64

    public init(nanosecondsSince1970: Int64) {
        self.nanosecondsSince1970 = nanosecondsSince1970
    }

    /// `seconds` + `nanoseconds` (0..<1e9) since 1970.
    public init(seconds: Int64, nanoseconds: UInt32) {
        nanosecondsSince1970 = seconds &* 1_000_000_000 &+ Int64(nanoseconds)
    }

    /// `date`, to the nearest nanosecond (exact for Box's whole-second times).
    public init(_ date: Date) {
        nanosecondsSince1970 = Int64((date.timeIntervalSince1970 * 1e9).rounded())
    }

    public static func now() -> Timestamp { Timestamp(Date()) }

    /// Whole seconds since 1970, rounded down.
    public var seconds: Int64 {
        let (q, r) = nanosecondsSince1970.quotientAndRemainder(dividingBy: 1_000_000_000)
        return r < 0 ? q - 1 : q
    }

    /// Nanoseconds within ``seconds``.
    public var nanoseconds: UInt32 { UInt32(nanosecondsSince1970 - seconds * 1_000_000_000) }

    /// The same time as a `Date` (for Box, which keeps whole seconds, and for logs).
    public var date: Date {
        Date(timeIntervalSince1970: Double(seconds) + Double(nanoseconds) / 1e9)
    }

    /// This time cut to the second, as Box stores it.
    public var wholeSecond: Timestamp { Timestamp(seconds: seconds, nanoseconds: 0) }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.nanosecondsSince1970 < b.nanosecondsSince1970 }
}
