/// A Box item id ("0" is the root folder). Box ids are JSON strings even though they look numeric,
/// so we keep them as strings, but behind a type so an id can't be confused with a name or an etag.
///
/// It lives in `Cache`, the lowest layer, because both the metadata store and the Box client speak it.
public struct ItemID: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public init(from decoder: Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }

    /// Box's "All Files" folder of the acting user.
    public static let root = ItemID("0")
    public var description: String { rawValue }
}

/// What a Box item is, as far as a filesystem cares. Web links and other types are skipped before they get here.
public enum ItemKind: String, Sendable, Codable {
    case file
    case folder
}

/// A kernel inode number. Inode 1 is the mount root; the store keeps the id<->inode map so numbers survive remounts.
public typealias Inode = UInt64
