import Foundation

/// The answer to a request that names an inode to the kernel (`lookup`, `mkdir`, `create`, readdirplus entries).
///
/// Every `EntryReply` the kernel receives counts as one lookup of its inode, balanced later by
/// ``FUSEOperations/forget(inode:lookups:)``.
public struct EntryReply: Sendable, Hashable {
    public var attributes: FileAttributes
    /// Distinguishes reuses of one inode number; `(inode, generation)` must be unique over the filesystem's life.
    public var generation: UInt64
    /// How long the kernel may trust `attributes` without asking `getattr` again.
    public var attributeTimeout: TimeInterval
    /// How long the kernel may trust the name-to-inode binding without asking `lookup` again.
    public var entryTimeout: TimeInterval

    public init(attributes: FileAttributes, generation: UInt64 = 0, attributeTimeout: TimeInterval, entryTimeout: TimeInterval) {
        self.attributes = attributes
        self.generation = generation
        self.attributeTimeout = attributeTimeout
        self.entryTimeout = entryTimeout
    }
}

/// The answer to `getattr` and `setattr`.
public struct AttributeReply: Sendable, Hashable {
    public var attributes: FileAttributes
    /// How long the kernel may trust `attributes`.
    public var timeout: TimeInterval

    public init(attributes: FileAttributes, timeout: TimeInterval) {
        self.attributes = attributes
        self.timeout = timeout
    }
}
