/// A block cache misuse reported to the caller.
public enum BlockCacheError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configured block size is outside 1–8 MiB.
    case invalidBlockSize(Int)
    /// A block to store doesn't have the length its index and the file size imply.
    case wrongBlockLength(BlockKey, expected: Int, actual: Int)

    public var description: String {
        switch self {
        case .invalidBlockSize(let size):
            return "block size \(size) is outside \(BlockCache.blockSizeRange)"
        case .wrongBlockLength(let key, let expected, let actual):
            return "block \(key) has \(actual) bytes, expected \(expected)"
        }
    }
}
