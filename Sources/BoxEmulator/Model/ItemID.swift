/// An emulated Box item id. Box ids are numeric strings ("12345"); every user's root folder is addressed as "0"
/// on the wire, but each root has its own internal id so several users can coexist.
struct ItemID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    let value: UInt64

    init(_ value: UInt64) { self.value = value }

    /// Parses a wire id; `nil` unless it is all digits (Box answers malformed ids with 404/405).
    init?(wire: Substring) {
        guard !wire.isEmpty, wire.allSatisfy(\.isASCII), let value = UInt64(wire) else { return nil }
        self.value = value
    }

    /// The wire alias of the acting user's root folder.
    static let rootAlias = ItemID(0)

    var description: String { String(value) }
    static func < (lhs: ItemID, rhs: ItemID) -> Bool { lhs.value < rhs.value }
}
