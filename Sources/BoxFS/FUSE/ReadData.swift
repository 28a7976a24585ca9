import Cache

/// What a read answers with.
public enum ReadData: Sendable {
    /// Bytes in memory (staged content, a block just downloaded, a read spanning blocks).
    case bytes([UInt8])
    /// A range of an open file, which the bridge hands to libfuse to splice into the kernel: a cached block is
    /// then copied once, page cache to page cache, instead of into a buffer here and out again.
    case file(OpenFileRange)

    /// How many bytes the answer holds.
    public var count: Int {
        switch self {
        case .bytes(let bytes): bytes.count
        case .file(let range): range.count
        }
    }
}
