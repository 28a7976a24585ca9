/// What `statfs(2)` reports.
public struct FileSystemStatistics: Sendable, Hashable {
    /// The block size the counts below are in (`f_frsize`, and `f_bsize`).
    public var blockSize: UInt64
    public var totalBlocks: UInt64
    public var freeBlocks: UInt64
    /// Free blocks usable by unprivileged users.
    public var availableBlocks: UInt64
    public var totalFiles: UInt64
    public var freeFiles: UInt64
    public var maximumNameLength: UInt64

    public init(
        blockSize: UInt64 = 4096,
        totalBlocks: UInt64,
        freeBlocks: UInt64,
        availableBlocks: UInt64,
        totalFiles: UInt64 = 0,
        freeFiles: UInt64 = 0,
        maximumNameLength: UInt64 = 255
    ) {
        self.blockSize = blockSize
        self.totalBlocks = totalBlocks
        self.freeBlocks = freeBlocks
        self.availableBlocks = availableBlocks
        self.totalFiles = totalFiles
        self.freeFiles = freeFiles
        self.maximumNameLength = maximumNameLength
    }
}
