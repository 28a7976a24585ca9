#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Box timestamps: RFC 3339 with a zone offset, whole seconds or fractional ("2024-05-01T10:20:30-07:00",
/// "2013-04-17T09:12:36.123-00:00", "...Z").
///
/// A hand parser rather than `ISO8601DateFormatter`: listings decode thousands of dates, and the formatter
/// is neither cheap to create nor `Sendable`.
enum RFC3339 {
    /// Parses `text`, or returns nil if it isn't an RFC 3339 date-time.
    static func parse(_ text: String) -> Date? {
        let b = Array(text.utf8)
        func digits(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= b.count else { return nil }
            var value = 0
            for i in start..<start + count {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                value = value * 10 + Int(b[i] - 48)
            }
            return value
        }
        func byte(_ i: Int, is c: UInt8) -> Bool { i < b.count && b[i] == c }
        guard let year = digits(0, 4), byte(4, is: 45), let month = digits(5, 2), byte(7, is: 45),
            let day = digits(8, 2), byte(10, is: 84) || byte(10, is: 116) || byte(10, is: 32),
            let hour = digits(11, 2), byte(13, is: 58), let minute = digits(14, 2), byte(16, is: 58),
            let second = digits(17, 2)
        else { return nil }
        var i = 19
        var fraction = 0.0
        if byte(i, is: 46) {
            i += 1
            var scale = 0.1
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                fraction += Double(b[i] - 48) * scale
                scale /= 10
                i += 1
            }
        }
        var offsetSeconds = 0
        if byte(i, is: 90) || byte(i, is: 122) {
            i += 1
        } else if byte(i, is: 43) || byte(i, is: 45) {
            let sign = b[i] == 45 ? -1 : 1
            guard let oh = digits(i + 1, 2), byte(i + 3, is: 58), let om = digits(i + 4, 2) else { return nil }
            offsetSeconds = sign * (oh * 3600 + om * 60)
            i += 6
        } else {
            return nil
        }
        guard i == b.count, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }

        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let utc = timegm(&parts)
        return Date(timeIntervalSince1970: Double(utc - offsetSeconds) + fraction)
    }

    /// Formats `date` in UTC with whole seconds ("2024-05-01T17:20:30+00:00"), the form Box documents.
    static func format(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))+00:00"
    }
}
