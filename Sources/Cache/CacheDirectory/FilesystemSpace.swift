#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Free space on the filesystem holding the cache directory, and the reserve kept for the metadata database.
///
/// Cached blocks and staged data must never take the last bytes: SQLite (same filesystem) then can't commit,
/// and not even the unlink that would give space back works. The reserve is a tenth of the filesystem, between
/// 1 MiB and 64 MiB.
struct FilesystemSpace {
    let total: UInt64
    let available: UInt64

    /// The space on the filesystem of `path`, or nil if it can't be told.
    init?(of path: String) {
        var stats = statvfs()
        guard statvfs(path, &stats) == 0 else { return nil }
        let blockSize = UInt64(stats.f_frsize)
        total = UInt64(stats.f_blocks) * blockSize
        available = UInt64(stats.f_bavail) * blockSize
    }

    var reserve: UInt64 { min(64 << 20, max(1 << 20, total / 10)) }

    /// Whether `count` more bytes fit without eating into the reserve.
    func fits(_ count: Int) -> Bool {
        available >= reserve && available - reserve >= UInt64(max(0, count))
    }
}
