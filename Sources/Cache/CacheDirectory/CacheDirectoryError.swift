/// Why a cache directory could not be opened.
public enum CacheDirectoryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another process (another boxfs mount) holds the directory's lock.
    case inUse(directory: String)

    public var description: String {
        switch self {
        case .inUse(let directory):
            return "cache directory \(directory) is in use by another boxfs process; give each mount its own cache_dir"
        }
    }
}
