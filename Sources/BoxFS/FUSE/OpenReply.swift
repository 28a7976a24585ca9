/// The answer to `open`, `opendir` and (with an entry) `create`.
public struct OpenReply: Sendable, Hashable {
    /// The filesystem's handle, passed back with every later request on this open file.
    public var handle: UInt64
    /// Keep the kernel's page cache from earlier opens (the content did not change); for directories, the
    /// cached listing (see `cacheDirectory`).
    public var keepCache: Bool
    /// Bypass the page cache: every read and write reaches the filesystem with the caller's size and offset.
    public var directIO: Bool
    /// The file can't seek (a stream).
    public var nonseekable: Bool
    /// For `opendir`: the kernel may keep the listing it reads in its page cache and serve later listings
    /// from it, as long as `keepCache` is set on those opens and until ``FUSESession/invalidate(inode:)``.
    public var cacheDirectory: Bool

    public init(handle: UInt64, keepCache: Bool = false, directIO: Bool = false, nonseekable: Bool = false, cacheDirectory: Bool = false) {
        self.handle = handle
        self.keepCache = keepCache
        self.directIO = directIO
        self.nonseekable = nonseekable
        self.cacheDirectory = cacheDirectory
    }
}

/// The answer to `create`: the new inode, opened.
public struct CreateReply: Sendable, Hashable {
    public var entry: EntryReply
    public var open: OpenReply

    public init(entry: EntryReply, open: OpenReply) {
        self.entry = entry
        self.open = open
    }
}
