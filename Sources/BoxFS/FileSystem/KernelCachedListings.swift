import Cache

/// Which listing of each folder the kernel may hold in its readdir cache (`FOPEN_CACHE_DIR`), by the metadata
/// store's generation when it was read, so a repeated `ls` or `find` of an unchanged folder is answered by the
/// kernel alone.
///
/// The generation changes with any write to the store (a remote change applied, a local create, a refreshed
/// listing), so a cached listing is kept only while nothing at all was stored since: coarse, and never stale.
/// The kernel itself drops a folder's cache when a change is made through the mount.
final class KernelCachedListings: Sendable {
    private let generations = Locked<[Inode: Int64]>([:])

    /// Records an open of folder `inode` reading a listing of store generation `generation`; returns whether the
    /// kernel may keep the listing it cached at an earlier open.
    func open(_ inode: Inode, generation: Int64) -> Bool {
        generations.withLock { $0.updateValue(generation, forKey: inode) == generation }
    }
}
