import Foundation

/// Parsers for the value types configuration keys use. Each throws a message that completes
/// "<file>:<line>: <key>: ...".
enum ConfigValues {
    struct Invalid: Error { var message: String }

    static func url(_ text: String) throws -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              url.host != nil
        else { throw Invalid(message: "'\(text)' is not an http(s) URL") }
        return url
    }

    static func bool(_ text: String) throws -> Bool {
        switch text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw Invalid(message: "'\(text)' is not a boolean (use true or false)")
        }
    }

    /// Bytes, with an optional binary suffix: `4M`, `512MiB`, `10G`, `65536`.
    static func size(_ text: String) throws -> Int64 {
        let units: [(String, Int64)] = [
            ("KIB", 1 << 10), ("MIB", 1 << 20), ("GIB", 1 << 30), ("TIB", 1 << 40),
            ("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30), ("T", 1 << 40), ("B", 1),
        ]
        let upper = text.uppercased().trimmingCharacters(in: .whitespaces)
        for (suffix, factor) in units where upper.hasSuffix(suffix) {
            let number = upper.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
            if let value = Double(number), value >= 0, value * Double(factor) < Double(Int64.max) {
                return Int64(value * Double(factor))
            }
            throw Invalid(message: "'\(text)' is not a size (examples: 65536, 512M, 10G)")
        }
        guard let value = Int64(upper), value >= 0 else {
            throw Invalid(message: "'\(text)' is not a size (examples: 65536, 512M, 10G)")
        }
        return value
    }

    /// Seconds, with an optional unit: `30`, `30s`, `500ms`, `5m`, `1h`.
    static func duration(_ text: String) throws -> TimeInterval {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        let lower = text.lowercased().trimmingCharacters(in: .whitespaces)
        for (suffix, factor) in units where lower.hasSuffix(suffix) {
            if let value = Double(lower.dropLast(suffix.count)), value >= 0 { return value * factor }
        }
        if let value = Double(lower), value >= 0 { return value }
        throw Invalid(message: "'\(text)' is not a duration (examples: 30, 30s, 500ms, 5m)")
    }

    static func integer(_ text: String, in range: ClosedRange<Int>) throws -> Int {
        guard let value = Int(text), range.contains(value) else {
            throw Invalid(message: "'\(text)' must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    static func nonEmpty(_ text: String) throws -> String {
        guard !text.isEmpty else { throw Invalid(message: "must not be empty") }
        return text
    }
}
