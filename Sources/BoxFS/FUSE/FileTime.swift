#if canImport(Glibc)
import Glibc
#endif
import Cache
import Foundation

/// A point in time with the nanosecond precision of a `timespec`.
public struct FileTime: Sendable, Hashable, Comparable {
    /// Seconds since 1970-01-01 UTC.
    public var seconds: Int64
    /// Nanoseconds within the second, `0..<1_000_000_000`.
    public var nanoseconds: UInt32

    public init(seconds: Int64, nanoseconds: UInt32 = 0) {
        precondition(nanoseconds < 1_000_000_000, "nanoseconds out of range: \(nanoseconds)")
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    /// The time of `date`, rounded down to the nanosecond.
    public init(_ date: Date) {
        let interval = date.timeIntervalSince1970
        let whole = interval.rounded(.down)
        self.init(seconds: Int64(whole), nanoseconds: min(UInt32((interval - whole) * 1e9), 999_999_999))
    }

    /// Exactly `time`.
    public init(_ time: Timestamp) {
        self.init(seconds: time.seconds, nanoseconds: time.nanoseconds)
    }

    public init(_ spec: Glibc.timespec) {
        self.init(seconds: Int64(spec.tv_sec), nanoseconds: UInt32(spec.tv_nsec))
    }

    /// The current wall-clock time.
    public static var now: FileTime {
        var spec = Glibc.timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return FileTime(spec)
    }

    public var date: Date { Date(timeIntervalSince1970: Double(seconds) + Double(nanoseconds) / 1e9) }

    public var timespec: Glibc.timespec { Glibc.timespec(tv_sec: Int(seconds), tv_nsec: Int(nanoseconds)) }

    public static func < (lhs: FileTime, rhs: FileTime) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }
}
