#if canImport(Glibc)
import Glibc
#endif
import Cache
import Foundation

/// A filesystem served through ``FUSESession``: one method per kernel request.
///
/// Every request runs in its own `Task`, so methods may suspend for as long as they need (network, disk)
/// without holding up the kernel's other requests; many run concurrently, also on the same inode.
/// Methods answer by returning or by throwing ``FUSEError``; any other error is logged and answered `EIO`.
/// When the kernel interrupts a request (the caller got a signal) its `Task` is cancelled; a method that
/// then throws (e.g. `CancellationError`) is answered `EINTR`.
///
/// Lookup counts: every ``EntryReply`` the kernel receives (from `lookup`, `create`, `mkdir`, `mknod`,
/// `symlink`, `link` and readdirplus entries) adds one to its inode's lookup count, and
/// ``forget(inode:lookups:)`` subtracts. An inode may be dropped once its count is zero. On unmount all
/// counts drop to zero implicitly: the kernel sends no `forget` then.
///
/// Inode 1 is the mount root and is never looked up or forgotten.
public protocol FUSEOperations: Sendable {
    /// Negotiates the connection before any other request: ask for capabilities in `connection.wanted`
    /// and set the limits. Runs synchronously on the FUSE thread, once per mount.
    func initialize(_ connection: inout FUSEConnection)

    /// Finds `name` in the directory `parent`. Counts as a lookup of the returned inode.
    /// Throw ``FUSEError/noEntry`` for a missing name (see ``negativeLookupTimeout``).
    func lookup(parent: Inode, name: String) async throws -> EntryReply

    /// Answers `lookup` at once, on the FUSE thread, when that needs nothing but memory and the local cache;
    /// nil sends the request to ``lookup(parent:name:)`` in a task as usual. Must never wait for the network.
    ///
    /// Tools make these by the thousand (`find`, rsync's `lstat` of every file) and a task costs a thread
    /// hand-off or two, as much as the work itself. An ``ImmediateAnswer/found(_:)`` counts as a lookup.
    func lookupNow(parent: Inode, name: String) -> ImmediateAnswer<EntryReply>?

    /// Answers `getattr` at once from memory and the local cache, or nil to run ``getattr(inode:handle:)``.
    func getattrNow(inode: Inode, handle: UInt64?) -> ImmediateAnswer<AttributeReply>?

    /// Answers `opendir` at once when the listing is cached and fresh, or nil to run ``opendir(inode:flags:)``.
    func opendirNow(inode: Inode, flags: OpenFlags) -> ImmediateAnswer<OpenReply>?

    /// Answers `readdir` at once, or nil to run ``readdir(inode:handle:offset:limit:plus:)``; same rules.
    func readdirNow(inode: Inode, handle: UInt64, offset: UInt64, limit: Int, plus: Bool) -> ImmediateAnswer<[DirectoryEntry]>?

    /// Answers `releasedir` at once, or nil to run ``releasedir(inode:handle:)``.
    func releasedirNow(inode: Inode, handle: UInt64) -> ImmediateAnswer<Void>?

    /// How long the kernel may remember that a name does not exist after `lookup` threw
    /// ``FUSEError/noEntry``, sparing repeated lookups of it. 0 (the default) remembers nothing; otherwise
    /// names created behind the kernel's back need ``FUSESession/invalidateEntry(parent:name:)``.
    var negativeLookupTimeout: TimeInterval { get }

    /// The kernel dropped `lookups` references to `inode`. Never fails and must not block: called on
    /// the FUSE thread (also for each inode of a batched forget).
    func forget(inode: Inode, lookups: UInt64)

    /// The attributes of `inode`; `handle` is set when the kernel asks about an open file (`fstat`).
    func getattr(inode: Inode, handle: UInt64?) async throws -> AttributeReply

    /// Applies `changes` (chmod, chown, truncate, utimens) and answers the resulting attributes.
    func setattr(inode: Inode, changes: AttributeChanges) async throws -> AttributeReply

    /// Opens a directory for listing.
    func opendir(inode: Inode, flags: OpenFlags) async throws -> OpenReply

    /// Lists the directory from position `offset` on (0 is the start; entry `i` of the answer is at
    /// position `offset + i`, so positions must stay stable while the directory is open).
    ///
    /// Return at most `limit` entries (fewer is fine, none means the end): the bridge packs as many as fit
    /// the kernel's buffer and the kernel asks again from the first position that did not fit.
    /// Include "." and ".." yourself if you want them listed.
    ///
    /// With `plus`, give entries an ``EntryReply`` (``DirectoryEntry/init(name:entry:)``) so the kernel can
    /// skip the lookups. Every returned entry carrying an `EntryReply` counts as a lookup, as in `lookup`;
    /// the bridge calls ``forget(inode:lookups:)`` for each such entry the kernel does not take (it did not
    /// fit, is "." or "..", or came without `plus`) before it answers, so counts stay exact.
    func readdir(inode: Inode, handle: UInt64, offset: UInt64, limit: Int, plus: Bool) async throws -> [DirectoryEntry]

    /// Closes a directory handle from `opendir`. Errors are logged; the kernel ignores them.
    func releasedir(inode: Inode, handle: UInt64) async throws

    /// Flushes a directory's changes to stable storage.
    func fsyncdir(inode: Inode, handle: UInt64, dataOnly: Bool) async throws

    /// Opens a file. With ``FUSECapabilities/atomicOpenTruncate`` (libfuse asks for it by default)
    /// `flags.truncate` must be honoured here.
    func open(inode: Inode, flags: OpenFlags) async throws -> OpenReply

    /// Creates and opens a regular file `name` in `parent` (`O_CREAT`). Counts as a lookup.
    /// `mode` carries the file type and permission bits (the umask already applied).
    func create(parent: Inode, name: String, mode: mode_t, flags: OpenFlags, context: RequestContext) async throws -> CreateReply

    /// Reads up to `size` bytes at `offset`. Fewer bytes than asked mean end of file
    /// (except with ``OpenReply/directIO``, where the count is passed through to the caller).
    func read(inode: Inode, handle: UInt64, offset: UInt64, size: Int) async throws -> ReadData

    /// Writes `data` (the filesystem's own copy) at `offset`; answers the number of bytes written.
    func write(inode: Inode, handle: UInt64, offset: UInt64, data: [UInt8]) async throws -> Int

    /// Called on every `close(2)` of a file descriptor (possibly several per open); report write errors here.
    func flush(inode: Inode, handle: UInt64, lockOwner: UInt64) async throws

    /// The last reference to an open file is gone. Errors are logged; the kernel ignores them.
    func release(inode: Inode, handle: UInt64, flags: OpenFlags) async throws

    /// Flushes a file to stable storage; with `dataOnly`, metadata may stay behind (`fdatasync`).
    func fsync(inode: Inode, handle: UInt64, dataOnly: Bool) async throws

    /// Creates the directory `name` in `parent`. Counts as a lookup.
    /// `mode` holds permission bits only (the umask already applied), no file type.
    func mkdir(parent: Inode, name: String, mode: mode_t, context: RequestContext) async throws -> EntryReply

    /// Removes the file `name` from `parent`.
    func unlink(parent: Inode, name: String) async throws

    /// Removes the empty directory `name` from `parent`.
    func rmdir(parent: Inode, name: String) async throws

    /// Moves `name` in `parent` to `newName` in `newParent`, honouring `flags`.
    func rename(parent: Inode, name: String, newParent: Inode, newName: String, flags: RenameFlags) async throws

    /// The filesystem's space and file counts.
    func statfs(inode: Inode) async throws -> FileSystemStatistics

    /// The value of the extended attribute `name` (throw ``FUSEError/noAttribute`` if absent).
    /// The bridge answers size probes and `ERANGE` itself.
    func getxattr(inode: Inode, name: String) async throws -> [UInt8]

    /// Answers `getxattr` at once, or nil to run ``getxattr(inode:name:)``; same rules as ``lookupNow(parent:name:)``.
    /// `ls -l` asks every entry for `security.selinux` and an ACL: names that can't exist are answered here.
    func getxattrNow(inode: Inode, name: String) -> ImmediateAnswer<[UInt8]>?

    /// The names of the extended attributes of `inode`. The bridge answers size probes and `ERANGE` itself.
    func listxattr(inode: Inode) async throws -> [String]

    /// Sets the extended attribute `name` to `value`, honouring `flags`.
    func setxattr(inode: Inode, name: String, value: [UInt8], flags: ExtendedAttributeFlags) async throws

    /// Removes the extended attribute `name` (throw ``FUSEError/noAttribute`` if absent).
    func removexattr(inode: Inode, name: String) async throws

    /// Creates a symbolic link `name` in `parent` pointing at `target`. Counts as a lookup.
    func symlink(target: String, parent: Inode, name: String, context: RequestContext) async throws -> EntryReply

    /// The target of the symbolic link `inode`.
    func readlink(inode: Inode) async throws -> String

    /// Creates a hard link `newName` in `newParent` to `inode`. Counts as a lookup.
    func link(inode: Inode, newParent: Inode, newName: String) async throws -> EntryReply

    /// Creates a special or regular file (`mknod(2)`, or `open(O_CREAT)` if `create` fails with `ENOSYS`).
    func mknod(parent: Inode, name: String, mode: mode_t, device: dev_t, context: RequestContext) async throws -> EntryReply
}

/// Defaults for what a cloud filesystem usually can't do.
extension FUSEOperations {
    /// Keeps libfuse's defaults.
    public func initialize(_ connection: inout FUSEConnection) {}

    /// Every lookup runs in a task.
    public func lookupNow(parent: Inode, name: String) -> ImmediateAnswer<EntryReply>? { nil }

    /// Every getattr runs in a task.
    public func getattrNow(inode: Inode, handle: UInt64?) -> ImmediateAnswer<AttributeReply>? { nil }

    /// Every opendir runs in a task.
    public func opendirNow(inode: Inode, flags: OpenFlags) -> ImmediateAnswer<OpenReply>? { nil }

    /// Every readdir runs in a task.
    public func readdirNow(inode: Inode, handle: UInt64, offset: UInt64, limit: Int, plus: Bool) -> ImmediateAnswer<[DirectoryEntry]>? { nil }

    /// Every releasedir runs in a task.
    public func releasedirNow(inode: Inode, handle: UInt64) -> ImmediateAnswer<Void>? { nil }

    /// Missing names are not cached.
    public var negativeLookupTimeout: TimeInterval { 0 }

    /// Every getxattr runs in a task.
    public func getxattrNow(inode: Inode, name: String) -> ImmediateAnswer<[UInt8]>? { nil }

    /// Symbolic links are not supported: `EPERM`.
    public func symlink(target: String, parent: Inode, name: String, context: RequestContext) async throws -> EntryReply {
        throw FUSEError.notPermitted
    }

    /// There are no symbolic links to read: `ENOSYS`.
    public func readlink(inode: Inode) async throws -> String {
        throw FUSEError.notImplemented
    }

    /// Hard links are not supported: `EPERM`.
    public func link(inode: Inode, newParent: Inode, newName: String) async throws -> EntryReply {
        throw FUSEError.notPermitted
    }

    /// Device nodes, FIFOs and sockets are not supported: `EPERM`.
    public func mknod(parent: Inode, name: String, mode: mode_t, device: dev_t, context: RequestContext) async throws -> EntryReply {
        throw FUSEError.notPermitted
    }

    /// Nothing to flush for directories.
    public func fsyncdir(inode: Inode, handle: UInt64, dataOnly: Bool) async throws {}
}
