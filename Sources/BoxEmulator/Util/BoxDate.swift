import Foundation

/// Box's timestamp format: RFC 3339, whole seconds, with an offset (Box answers in the enterprise's zone; the
/// emulator uses a fixed -08:00 so clients that assume UTC are caught).
enum BoxDate {
    private static let zone = TimeZone(secondsFromGMT: -8 * 3600)!

    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
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
