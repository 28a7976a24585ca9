/// How a ``FUSESession``'s request loop ended.
public enum FUSESessionEnd: Hashable, Sendable {
    /// The filesystem was unmounted (by ``FUSESession/unmount()``, a signal, or `umount`/`fusermount3 -u`).
    case unmounted
    /// The kernel connection was aborted (`/sys/fs/fuse/connections/N/abort`) while still mounted: the
    /// mountpoint is left stale until someone runs `fusermount3 -u` (or `umount -l`) on it.
    case aborted
    /// Reading from the FUSE device failed with this errno.
    case failed(errno: Int32)
}
