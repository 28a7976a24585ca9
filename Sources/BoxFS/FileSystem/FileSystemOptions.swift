import Foundation

/// How the mount presents Box: ownership and permissions (Box has neither), cache lifetimes, read-ahead.
struct FileSystemOptions: Sendable {
    var uid: uid_t = getuid()
    var gid: gid_t = getgid()
    /// Applied to 0777 for folders and 0666 for files.
    var umask: mode_t = 0o022
    var readOnly = false
    /// How long the kernel may cache attributes and names; short, because Box changes behind our back.
    var kernelCacheTimeout: TimeInterval = 1
    /// How long a fetched listing answers lookups before Box is asked again.
    var metadataTTL: TimeInterval = 60
    var metadataTTLWithEvents: TimeInterval = 600
    var readAheadInitial: Int64 = 1 << 20
    var readAheadMaximum: Int64 = 64 << 20
    var readAheadMemory: Int64 = 64 << 20
    var parallelUploads = 4
    /// The longest an operation waits for Box before failing with EIO (0: no limit).
    var operationTimeout: TimeInterval = 60

    var filePermissions: mode_t { 0o666 & ~umask }
    var folderPermissions: mode_t { 0o777 & ~umask }
}
