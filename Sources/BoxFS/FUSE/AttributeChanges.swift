#if canImport(Glibc)
import Glibc
#endif

/// What a `setattr` asks to change; `nil` leaves a field alone.
public struct AttributeChanges: Sendable, Hashable {
    /// A new access or modification time.
    public enum TimeChange: Sendable, Hashable {
        /// The filesystem's current time (`UTIME_NOW`, `touch` without `-d`).
        case now
        case time(FileTime)
    }

    /// Truncate or extend to this size.
    public var size: UInt64?
    /// New permission bits (`chmod`); the file type never changes.
    public var permissions: mode_t?
    public var uid: uid_t?
    public var gid: gid_t?
    public var accessTime: TimeChange?
    public var modificationTime: TimeChange?
    /// The open file the change came through (`ftruncate`), if any.
    public var handle: UInt64?

    public init(
        size: UInt64? = nil,
        permissions: mode_t? = nil,
        uid: uid_t? = nil,
        gid: gid_t? = nil,
        accessTime: TimeChange? = nil,
        modificationTime: TimeChange? = nil,
        handle: UInt64? = nil
    ) {
        self.size = size
        self.permissions = permissions
        self.uid = uid
        self.gid = gid
        self.accessTime = accessTime
        self.modificationTime = modificationTime
        self.handle = handle
    }
}
