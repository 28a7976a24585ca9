import Foundation

/// One `key = value` line of a boxfs configuration file, with where it came from so errors can point at it.
public struct ConfigEntry: Sendable, Equatable {
    public var key: String
    public var value: String
    /// 1-based line number, or nil for values that came from `-o` on the command line.
    public var line: Int?
}

/// Reads the configuration file format: `key = value` lines, `#` comments, blank lines ignored.
///
/// Values run to the end of the line with surrounding whitespace trimmed; a value may be wrapped in double quotes
/// to keep leading or trailing spaces or a `#`. There is deliberately no section or include syntax.
public enum ConfigFile {
    public static func parse(_ text: String, source: String) throws -> [ConfigEntry] {
        var entries: [ConfigEntry] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let eq = line.firstIndex(of: "=") else {
                throw ConfigError(source: source, line: lineNumber, key: nil,
                                  message: "expected 'key = value', found '\(line)'")
            }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw ConfigError(source: source, line: lineNumber, key: nil, message: "invalid key '\(key)'")
            }
            var value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\"") {
                guard value.count >= 2, value.hasSuffix("\"") else {
                    throw ConfigError(source: source, line: lineNumber, key: key, message: "unterminated quoted value")
                }
                value = String(value.dropFirst().dropLast())
            } else if let hash = value.range(of: " #") {
                value = value[..<hash.lowerBound].trimmingCharacters(in: .whitespaces)
            }
            entries.append(ConfigEntry(key: key, value: value, line: lineNumber))
        }
        return entries
    }

    public static func load(_ url: URL) throws -> [ConfigEntry] {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ConfigError(source: url.path, line: nil, key: nil,
                              message: "cannot read the configuration file (\(describe(error)))")
        }
        return try parse(text, source: url.path)
    }

    private static func describe(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return ns.localizedDescription
    }
}

/// A configuration mistake, printed as one line that says where it is and what to fix.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    public var source: String
    public var line: Int?
    public var key: String?
    public var message: String

    public var description: String {
        var location = source
        if let line { location += ":\(line)" }
        if let key { return "\(location): \(key): \(message)" }
        return "\(location): \(message)"
    }
}
