import Cache

/// What a read answers with.
public enum ReadData: Sendable {
    /// Bytes in memory (staged content, a block just downloaded).
    case bytes([UInt8])
    /// Ranges of open files, in order, which the bridge hands to libfuse to splice into the kernel: a cached
    /// block is then copied once, page cache to page cache, instead of into a buffer here and out again.
    case files([OpenFileRange])

    /// How many bytes the answer holds.
    public var count: Int {
        switch self {
        case .bytes(let bytes): bytes.count
        case .files(let ranges): ranges.reduce(0) { $0 + $1.count }
        }
    }

    /// The answer as bytes in memory.
    public func bytes() throws -> [UInt8] {
        switch self {
        case .bytes(let bytes): return bytes
        case .files(let ranges): return try ranges.flatMap { try $0.bytes() }
        }
    }
}
