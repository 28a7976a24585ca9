#if canImport(Glibc)
import Glibc
#endif

/// Who made a request: the calling process's credentials as the kernel saw them.
public struct RequestContext: Sendable, Hashable {
    public var uid: uid_t
    public var gid: gid_t
    /// The calling thread's id; 0 for requests the kernel makes on its own (e.g. writeback).
    public var pid: pid_t
    /// The caller's umask (already applied to `mode` of create/mkdir unless the filesystem asked otherwise).
    public var umask: mode_t

    public init(uid: uid_t, gid: gid_t, pid: pid_t, umask: mode_t) {
        self.uid = uid
        self.gid = gid
        self.pid = pid
        self.umask = umask
    }
}
