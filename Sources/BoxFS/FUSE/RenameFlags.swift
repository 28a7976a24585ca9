/// The `renameat2(2)` flags of a `rename` request.
public struct RenameFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `RENAME_NOREPLACE`: fail with `EEXIST` instead of replacing the target.
    public static let noReplace = RenameFlags(rawValue: 1 << 0)
    /// `RENAME_EXCHANGE`: swap source and target atomically; both must exist.
    public static let exchange = RenameFlags(rawValue: 1 << 1)
}
