/// How a ``FUSESession``'s request loop ended.
public enum FUSESessionEnd: Hashable, Sendable {
    /// The filesystem was unmounted (by ``FUSESession/unmount()``, a signal, or `umount`/`fusermount3 -u`).
    case unmounted
    /// Reading from the FUSE device failed with this errno.
    case failed(errno: Int32)
}
