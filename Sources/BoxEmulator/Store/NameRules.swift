/// Box's item name rules (box-api.md §11.1): 1–255 characters; no `/` or `\`, no control characters or DEL,
/// no trailing space, not `.` or `..`. Leading spaces are accepted, as real Box does (rclone relies on it).
enum NameRules {
    static let maxLength = 255

    static func validate(_ name: String) throws {
        if name.count > maxLength {
            throw BoxError.badRequest("Item name too long", code: "item_name_too_long")
        }
        let invalid = name.isEmpty || name == "." || name == ".." || name.hasSuffix(" ")
            || name.unicodeScalars.contains { $0 == "/" || $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F }
        if invalid {
            throw BoxError.badRequest("Item name invalid", code: "item_name_invalid")
        }
    }

    /// The key under which siblings must be unique: Box compares names case-insensitively.
    static func key(_ name: String) -> String { name.lowercased() }
}
