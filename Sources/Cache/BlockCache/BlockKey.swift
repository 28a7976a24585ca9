/// Identifies one block of one version of a file.
///
/// Keying by content version (the file's SHA-1 or version id) means a new version of a file can never be served
/// bytes of an old one, even before the old blocks are removed.
public struct BlockKey: Hashable, Sendable, CustomStringConvertible {
    public let item: ItemID
    /// The content version: the file's `sha1` or `file_version.id`.
    public let version: String
    /// The block number: the block covers bytes `[index * blockSize, (index + 1) * blockSize)` of the file.
    public let index: Int

    /// - Precondition: `version` is not empty and `index` is not negative.
    public init(item: ItemID, version: String, index: Int) {
        precondition(!version.isEmpty, "a block needs a content version")
        precondition(index >= 0, "block index must not be negative")
        self.item = item
        self.version = version
        self.index = index
    }

    public var description: String { "\(item)@\(version)#\(index)" }
}
