import Foundation

/// Box's timestamp format: RFC 3339, whole seconds, with an offset (Box answers in the enterprise's zone; the
/// emulator uses a fixed -08:00 so clients that assume UTC are caught).
enum BoxDate {
    private static let offsetSeconds = -8 * 3600

    /// Formats by civil-date arithmetic: Foundation's formatters are slow on Linux and not safe to share
    /// across threads, and this runs for every timestamp of every response.
    static func format(_ date: Date) -> String {
        let local = Int64(date.timeIntervalSince1970.rounded(.down)) + Int64(offsetSeconds)
        let days = local >= 0 ? local / 86400 : (local - 86399) / 86400
        let secondOfDay = local - days * 86400
        let (year, month, day) = civil(fromDays: days)
        let offset = abs(offsetSeconds)
        // Built by hand: String(format:) went through CFString and dominated the time to render a listing.
        var text = ""
        text.reserveCapacity(25)
        let yearDigits = String(year)
        text += String(repeating: "0", count: max(0, 4 - yearDigits.count)) + yearDigits
        for (separator, value) in [("-", month), ("-", day), ("T", secondOfDay / 3600),
                                   (":", secondOfDay % 3600 / 60), (":", secondOfDay % 60),
                                   (offsetSeconds < 0 ? "-" : "+", Int64(offset / 3600)), (":", Int64(offset % 3600 / 60))] {
            text += separator
            if value < 10 { text += "0" }
            text += String(value)
        }
        return text
    }

    /// Howard Hinnant's days-to-civil conversion (proleptic Gregorian calendar).
    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Parses RFC 3339 with or without fractional seconds; Box keeps whole seconds, so the result is truncated.
    static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return truncated(date) }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text).map(truncated)
    }

    /// `date` rounded down to the whole second, as Box stores times.
    static func truncated(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }
}
