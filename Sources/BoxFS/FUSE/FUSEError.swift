#if canImport(Glibc)
import Glibc
#endif

/// A POSIX error a filesystem operation answers the kernel with.
///
/// ``FUSEOperations`` methods throw `FUSEError`; any other error reaching the bridge is logged and
/// answered with `EIO`, so the filesystem maps its own errors in one place rather than leaking them.
public struct FUSEError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The positive errno value sent to the kernel.
    public let errno: Int32

    /// Wraps a positive errno value (`ENOENT`, not `-ENOENT`).
    public init(errno: Int32) {
        precondition(errno > 0, "FUSEError needs a positive errno, got \(errno)")
        self.errno = errno
    }

    public var description: String { "\(String(cString: strerror(errno))) (errno \(errno))" }

    /// `EPERM`: the operation is not permitted (also what unsupported object kinds answer, e.g. symlinks).
    public static let notPermitted = FUSEError(errno: EPERM)
    /// `ENOENT`: no such file or directory.
    public static let noEntry = FUSEError(errno: ENOENT)
    /// `EIO`: the backing store failed.
    public static let ioError = FUSEError(errno: EIO)
    /// `EBADF`: the handle is not (or no longer) open.
    public static let badHandle = FUSEError(errno: EBADF)
    /// `EAGAIN`: try again later.
    public static let tryAgain = FUSEError(errno: EAGAIN)
    /// `ENOMEM`: out of memory.
    public static let noMemory = FUSEError(errno: ENOMEM)
    /// `EACCES`: permission denied.
    public static let accessDenied = FUSEError(errno: EACCES)
    /// `EBUSY`: the object is busy.
    public static let busy = FUSEError(errno: EBUSY)
    /// `EEXIST`: the name already exists.
    public static let exists = FUSEError(errno: EEXIST)
    /// `EXDEV`: the operation would cross filesystems.
    public static let crossDevice = FUSEError(errno: EXDEV)
    /// `ENOTDIR`: a path component is not a directory.
    public static let notDirectory = FUSEError(errno: ENOTDIR)
    /// `EISDIR`: the object is a directory.
    public static let isDirectory = FUSEError(errno: EISDIR)
    /// `EINVAL`: an argument is invalid.
    public static let invalid = FUSEError(errno: EINVAL)
    /// `EFBIG`: the file would become too large.
    public static let fileTooLarge = FUSEError(errno: EFBIG)
    /// `ENOSPC`: no space left (quota exhausted).
    public static let noSpace = FUSEError(errno: ENOSPC)
    /// `EROFS`: the filesystem is read-only.
    public static let readOnly = FUSEError(errno: EROFS)
    /// `ERANGE`: a result does not fit the caller's buffer.
    public static let outOfRange = FUSEError(errno: ERANGE)
    /// `ENAMETOOLONG`: a name is too long.
    public static let nameTooLong = FUSEError(errno: ENAMETOOLONG)
    /// `ENOSYS`: the operation is not implemented (the kernel stops sending some ops after this).
    public static let notImplemented = FUSEError(errno: ENOSYS)
    /// `ENOTEMPTY`: the directory is not empty.
    public static let notEmpty = FUSEError(errno: ENOTEMPTY)
    /// `ENODATA`: no such extended attribute.
    public static let noAttribute = FUSEError(errno: ENODATA)
    /// `EOPNOTSUPP`: the operation is not supported on this object.
    public static let notSupported = FUSEError(errno: EOPNOTSUPP)
    /// `ETIMEDOUT`: the backing store did not answer in time.
    public static let timedOut = FUSEError(errno: ETIMEDOUT)
    /// `EINTR`: the request was interrupted.
    public static let interrupted = FUSEError(errno: EINTR)
    /// `EDQUOT`: the quota is exceeded.
    public static let quotaExceeded = FUSEError(errno: EDQUOT)
    /// `ENOTCONN`: the backing store is unreachable.
    public static let notConnected = FUSEError(errno: ENOTCONN)
    /// `ESTALE`: the object changed or vanished under the handle.
    public static let stale = FUSEError(errno: ESTALE)
}
