#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A system call on a cache file failed.
public struct CacheIOError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file or directory involved.
    public let path: String
    /// What was being done, e.g. "write" or "create directory".
    public let operation: String
    /// The `errno` the system reported.
    public let errno: Int32

    public init(path: String, operation: String, errno: Int32) {
        self.path = path
        self.operation = operation
        self.errno = errno
    }

    public var description: String { "cannot \(operation) \(path): \(String(cString: strerror(errno)))" }
}
