import Foundation

/// How the mount presents Box: ownership and permissions (Box has neither), cache lifetimes, read-ahead.
struct FileSystemOptions: Sendable {
    var uid: uid_t = getuid()
    var gid: gid_t = getgid()
    /// Applied to 0777 for folders and 0666 for files.
    var umask: mode_t = 0o022
    var readOnly = false
    /// How long the kernel may cache attributes and names while Box's events are followed (1 s otherwise).
    var kernelCacheTimeout: TimeInterval = 10
    /// How long a fetched listing answers lookups before Box is asked again.
    var metadataTTL: TimeInterval = 60
    var metadataTTLWithEvents: TimeInterval = 600
    var readAheadInitial: Int64 = 1 << 20
    var readAheadMaximum: Int64 = 64 << 20
    var readAheadMemory: Int64 = 64 << 20
    var parallelUploads = 4
    /// When a closed file's upload must be done: before close(2) returns, or later.
    var writeBack: WriteBack = .sync
    /// Whether `user.box.*` extended attributes are served (see ``BoxFSConfiguration/extendedAttributes``).
    var extendedAttributes = true
    /// The longest an operation waits for Box before failing with EIO (0: no limit).
    var operationTimeout: TimeInterval = 60

    var filePermissions: mode_t { 0o666 & ~umask }
    var folderPermissions: mode_t { 0o777 & ~umask }
}

/// When close(2) of a written file returns (the `write_back` option). Either way the data is journaled first.
public enum WriteBack: String, Sendable {
    /// When Box has committed the upload, so a program that closed a file knows Box has it.
    case sync
    /// At once; the upload queue sends it in the background (fsync(2) still waits for it).
    case async
}
