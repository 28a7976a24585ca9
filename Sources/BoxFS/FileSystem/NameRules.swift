/// Box's rules for item names (box-api.md §11.1), checked before a call so a bad name fails with the right errno
/// and a log line instead of a round trip and a 400.
enum NameRules {
    /// Box's limit, in characters.
    static let maximumLength = 255

    /// Throws ``FileSystemError/invalidName(_:reason:)`` or ``FileSystemError/nameTooLong(_:)`` if Box would refuse
    /// `name`.
    static func validate(_ name: String) throws {
        if name.count > maximumLength || name.utf8.count > 1020 { throw FileSystemError.nameTooLong(name) }
        if name.isEmpty || name == "." || name == ".." {
            throw FileSystemError.invalidName(name, reason: "Box does not allow empty, '.' or '..' names")
        }
        if name.contains("/") || name.contains("\\") {
            throw FileSystemError.invalidName(name, reason: "Box does not allow '/' or '\\' in names")
        }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw FileSystemError.invalidName(name, reason: "Box does not allow control characters in names")
        }
        if name.hasSuffix(" ") {
            throw FileSystemError.invalidName(name, reason: "Box does not allow a trailing space in names")
        }
    }
}
