import CFuse

/// Kernel features a filesystem can ask for during ``FUSEOperations/initialize(_:)``.
public struct FUSECapabilities: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Several reads of one file may be in flight at once (kernel read-ahead runs in parallel).
    public static let asyncRead = FUSECapabilities(rawValue: UInt32(FUSE_CAP_ASYNC_READ))
    /// `O_TRUNC` arrives with `open` instead of as a separate `setattr`.
    public static let atomicOpenTruncate = FUSECapabilities(rawValue: UInt32(FUSE_CAP_ATOMIC_O_TRUNC))
    /// The kernel does not apply the caller's umask to create/mkdir modes.
    public static let dontMask = FUSECapabilities(rawValue: UInt32(FUSE_CAP_DONT_MASK))
    /// Reply data may be spliced into the device.
    public static let spliceWrite = FUSECapabilities(rawValue: UInt32(FUSE_CAP_SPLICE_WRITE))
    /// Pages may be moved rather than copied when splicing.
    public static let spliceMove = FUSECapabilities(rawValue: UInt32(FUSE_CAP_SPLICE_MOVE))
    /// Request data may be spliced from the device.
    public static let spliceRead = FUSECapabilities(rawValue: UInt32(FUSE_CAP_SPLICE_READ))
    /// The kernel drops cached pages when it sees size or mtime change.
    public static let autoInvalidateData = FUSECapabilities(rawValue: UInt32(FUSE_CAP_AUTO_INVAL_DATA))
    /// readdir answers carry full attributes (readdirplus).
    public static let readdirPlus = FUSECapabilities(rawValue: UInt32(FUSE_CAP_READDIRPLUS))
    /// The kernel chooses per directory between readdir and readdirplus.
    public static let readdirPlusAuto = FUSECapabilities(rawValue: UInt32(FUSE_CAP_READDIRPLUS_AUTO))
    /// Direct I/O requests may be issued asynchronously.
    public static let asyncDirectIO = FUSECapabilities(rawValue: UInt32(FUSE_CAP_ASYNC_DIO))
    /// The kernel caches writes and sends them later (mtime and size become the kernel's).
    public static let writebackCache = FUSECapabilities(rawValue: UInt32(FUSE_CAP_WRITEBACK_CACHE))
    /// Lookups and readdirs in one directory may run concurrently.
    public static let parallelDirectoryOperations = FUSECapabilities(rawValue: UInt32(FUSE_CAP_PARALLEL_DIROPS))
    /// The kernel clears setuid/setgid bits itself on write/chown/truncate.
    public static let handleKillPriv = FUSECapabilities(rawValue: UInt32(FUSE_CAP_HANDLE_KILLPRIV))
    /// The kernel enforces and caches POSIX ACLs (read through getxattr), implying `default_permissions`.
    public static let posixACL = FUSECapabilities(rawValue: UInt32(FUSE_CAP_POSIX_ACL))
}

/// The connection being set up: what the kernel can do and what the filesystem wants.
///
/// Passed `inout` to ``FUSEOperations/initialize(_:)``; the bridge applies `wanted ∩ capable` and the limits.
public struct FUSEConnection: Sendable {
    /// The kernel's FUSE protocol version.
    public let protocolVersion: (major: UInt32, minor: UInt32)
    /// What the kernel supports.
    public let capable: FUSECapabilities
    /// What the filesystem asks for; starts with libfuse's defaults.
    public var wanted: FUSECapabilities
    /// The largest write request the kernel will send, in bytes.
    public var maxWrite: UInt32
    /// The largest read-ahead the kernel will do, in bytes. Asking for more than the kernel offers raises the
    /// mount's device limit too (see `KernelReadahead`; root only, else the offer stands).
    public var maxReadahead: UInt32
    /// How many background requests (read-ahead, writeback) may be outstanding.
    public var maxBackground: UInt32
    /// The timestamp granularity in nanoseconds (1 = full nanosecond precision).
    public var timeGranularity: UInt32

    public init(
        protocolVersion: (major: UInt32, minor: UInt32),
        capable: FUSECapabilities,
        wanted: FUSECapabilities,
        maxWrite: UInt32,
        maxReadahead: UInt32,
        maxBackground: UInt32,
        timeGranularity: UInt32
    ) {
        self.protocolVersion = protocolVersion
        self.capable = capable
        self.wanted = wanted
        self.maxWrite = maxWrite
        self.maxReadahead = maxReadahead
        self.maxBackground = maxBackground
        self.timeGranularity = timeGranularity
    }
}
