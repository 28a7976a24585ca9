import Cache
import Foundation

/// Why a filesystem operation failed, in the filesystem's own terms.
///
/// Operations throw these (or let `BoxAPIError`s and cache errors through); `ErrnoMapping` turns every error into
/// exactly one errno, so the policy lives in one place.
enum FileSystemError: Error, Sendable, Equatable {
    case notFound
    case exists
    case notEmpty
    case notDirectory
    case isDirectory
    /// A name Box would refuse, with the reason for the log.
    case invalidName(String, reason: String)
    case nameTooLong(String)
    case readOnly
    /// A POSIX feature Box has no equivalent for (hard links, symlinks, device nodes, permissions).
    case notSupported(String)
    case badHandle
    /// The cache or staging area failed underneath us.
    case localIO(String)
    /// A file would grow past the largest upload the account allows (bytes).
    case fileTooLarge(limit: Int64)
    /// The cache directory's filesystem has no room left for staged data (its path).
    case cacheFull(String)
    /// A file would grow past the space left in the account.
    case noSpace
    /// Box didn't answer within the operation timeout.
    case timedOut(TimeInterval)
    /// An item id the kernel still names but the cache no longer knows (e.g. after the cache was wiped).
    case staleInode(Inode)
}
