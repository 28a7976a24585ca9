import Cache

/// Which version of each file the kernel's page cache may hold, so an open can keep those pages
/// (`FOPEN_KEEP_CACHE`) when Box still has that version, and a re-read of an unchanged file never reaches us.
///
/// Pages the kernel kept from an earlier open are only trusted for the version that open read; an open of
/// another version, or of content being written here, lets the kernel drop them.
final class KernelCachedVersions: Sendable {
    private let versions = Locked<[Inode: String]>([:])

    /// Records an open of `inode` reading `version` (nil: staged content, not a Box version) and returns whether
    /// the kernel may keep the pages it cached for the inode.
    func open(_ inode: Inode, version: String?) -> Bool {
        versions.withLock { versions in
            guard let version else {
                versions[inode] = nil
                return false
            }
            return versions.updateValue(version, forKey: inode) == version
        }
    }

    /// A handle of `inode` moved to another version than it opened with: whatever the kernel caches now may be
    /// either, so the next open must not keep it.
    func forget(_ inode: Inode) {
        versions.withLock { $0[inode] = nil }
    }
}
