#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a cache directory could not be opened.
public enum CacheDirectoryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another process (another boxfs mount) holds the directory's lock.
    case inUse(directory: String)
    /// A file or directory could not be created or opened; `errno` is the system's reason.
    case io(path: String, operation: String, errno: Int32)

    public var description: String {
        switch self {
        case .inUse(let directory):
            return "cache directory \(directory) is in use by another boxfs process; give each mount its own cache_dir"
        case .io(let path, let operation, let code):
            return "cannot \(operation) \(path): \(String(cString: strerror(code)))"
        }
    }
}
