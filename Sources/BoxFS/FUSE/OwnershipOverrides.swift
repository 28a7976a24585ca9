#if canImport(Glibc)
import Glibc
#endif

/// The `uid=`, `gid=` and `umask=` mount options: applied by the bridge to every attribute it sends,
/// so the filesystem reports its own idea of ownership and the mount shows the administrator's.
struct OwnershipOverrides: Sendable, Hashable {
    var uid: uid_t?
    var gid: gid_t?
    var umask: mode_t?

    init(_ options: MountOptions) {
        uid = options.ownerUID
        gid = options.ownerGID
        umask = options.umask
    }

    func apply(to attributes: FileAttributes) -> FileAttributes {
        var result = attributes
        if let uid { result.uid = uid }
        if let gid { result.gid = gid }
        if let umask { result.permissions &= ~umask }
        return result
    }

    func apply(to entry: EntryReply) -> EntryReply {
        var result = entry
        result.attributes = apply(to: entry.attributes)
        return result
    }
}
