#if canImport(Glibc)
import Glibc
#endif
import Cache

/// The type bits of a mode (`S_IFREG`, `S_IFDIR`, ...).
public enum FileType: mode_t, Sendable, Hashable {
    case regular = 0o100000
    case directory = 0o040000
    case symbolicLink = 0o120000
    case characterDevice = 0o020000
    case blockDevice = 0o060000
    case fifo = 0o010000
    case socket = 0o140000

    /// The type encoded in a full mode, if any.
    public init?(mode: mode_t) { self.init(rawValue: mode & mode_t(S_IFMT)) }
}

/// What `stat(2)` reports about an inode.
///
/// Type and permission bits are kept apart so a mode without a file type can't be built.
public struct FileAttributes: Sendable, Hashable {
    public var inode: Inode
    public var type: FileType
    /// Permission bits only (`0o7777` at most).
    public var permissions: mode_t {
        didSet { permissions &= 0o7777 }
    }
    public var size: UInt64
    /// 512-byte blocks allocated; `nil` derives them from `size`.
    public var blocks: UInt64?
    public var linkCount: UInt32
    public var uid: uid_t
    public var gid: gid_t
    public var accessTime: FileTime
    public var modificationTime: FileTime
    public var changeTime: FileTime
    /// The preferred I/O size reported as `st_blksize`. `cp`, `cat` and stdio size their buffers by it, and
    /// without a writeback cache each write(2) is one FUSE request: 1 MiB (libfuse's `max_write`) makes a
    /// large copy an eighth of the requests that 128 KiB would.
    public var blockSize: UInt32

    public init(
        inode: Inode,
        type: FileType,
        permissions: mode_t,
        size: UInt64 = 0,
        blocks: UInt64? = nil,
        linkCount: UInt32 = 1,
        uid: uid_t = 0,
        gid: gid_t = 0,
        accessTime: FileTime,
        modificationTime: FileTime,
        changeTime: FileTime,
        blockSize: UInt32 = 1 << 20
    ) {
        self.inode = inode
        self.type = type
        self.permissions = permissions & 0o7777
        self.size = size
        self.blocks = blocks
        self.linkCount = linkCount
        self.uid = uid
        self.gid = gid
        self.accessTime = accessTime
        self.modificationTime = modificationTime
        self.changeTime = changeTime
        self.blockSize = blockSize
    }

    /// Type and permission bits together, as in `st_mode`.
    public var mode: mode_t { type.rawValue | permissions }
}
