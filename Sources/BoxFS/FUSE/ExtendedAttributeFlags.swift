/// The `setxattr(2)` flags.
public struct ExtendedAttributeFlags: OptionSet, Sendable, Hashable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// `XATTR_CREATE`: fail with `EEXIST` if the attribute exists.
    public static let create = ExtendedAttributeFlags(rawValue: 1)
    /// `XATTR_REPLACE`: fail with `ENODATA` if the attribute does not exist.
    public static let replace = ExtendedAttributeFlags(rawValue: 2)
}
