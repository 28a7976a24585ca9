#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension StagingArea {
    /// Throws `ENOSPC` if writing `count` more bytes would eat into the cache filesystem's reserve (see
    /// ``FilesystemSpace``).
    public func checkRoom(forWriting count: Int) throws {
        guard let space = FilesystemSpace(of: path), !space.fits(count) else { return }
        throw CacheIOError(path: path, operation: "stage \(count) more bytes in", errno: ENOSPC)
    }
}
