#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock` on `<cache dir>/lock`, held until the lock is deallocated.
///
/// `flock` locks belong to the open file description, so the lock is released automatically when the process dies,
/// and a second `open` of the file (even in this process) conflicts. `O_CLOEXEC` keeps helper processes we spawn
/// from inheriting, and so prolonging, the lock.
final class CacheDirectoryLock: Sendable {
    private let fd: Int32

    init(directory: String) throws {
        let path = directory + "/lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CacheIOError(path: path, operation: "open", errno: errno) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(fd)
            if code == EWOULDBLOCK { throw CacheDirectoryError.inUse(directory: directory) }
            throw CacheIOError(path: path, operation: "lock", errno: code)
        }
        self.fd = fd
    }

    deinit { close(fd) }
}
