#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A block being written into the cache as it downloads, so no copy of it is held in memory.
///
/// Bytes go to a temporary file in order; ``commit()`` makes the block visible only if it is complete, so a
/// download that fails halfway never leaves a partial block to be served. A writer neither committed nor
/// discarded removes its temporary file when released.
///
/// Not thread-safe: one download writes it, in order.
public final class BlockWriter {
    public let key: BlockKey
    /// The length the block must have.
    public let length: Int
    /// Bytes appended so far.
    public private(set) var written = 0

    private let cache: BlockCache
    private let path: String
    private var fd: Int32

    init(cache: BlockCache, key: BlockKey, length: Int, path: String) throws {
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CacheIOError(path: path, operation: "create", errno: errno) }
        self.cache = cache
        self.key = key
        self.length = length
        self.path = path
    }

    deinit { discard() }

    /// Appends the next bytes of the block.
    ///
    /// - Throws: ``BlockCacheError/wrongBlockLength(_:expected:actual:)`` if they run past the block's end;
    ///   ``CacheIOError`` if they can't be written.
    public func append(_ bytes: UnsafeRawBufferPointer) throws {
        guard fd >= 0 else { throw CacheIOError(path: path, operation: "write", errno: EBADF) }
        guard written + bytes.count <= length else {
            throw BlockCacheError.wrongBlockLength(key, expected: length, actual: written + bytes.count)
        }
        try FileIO.write(fd, bytes, at: Int64(written), path: path)
        written += bytes.count
    }

    /// Puts the complete block in the cache (replacing any copy), evicting as the cache's capacity requires.
    ///
    /// No fsync: a block is only a copy of Box's data. After a crash, a block whose data never reached the disk
    /// shows up short or empty on ext4 and XFS (sizes are committed after the data), and reads discard it.
    ///
    /// - Throws: ``BlockCacheError/wrongBlockLength(_:expected:actual:)`` if fewer than `length` bytes were
    ///   appended (the temporary file is removed); ``CacheIOError`` if the block can't be put in place.
    public func commit() throws {
        guard fd >= 0 else { throw CacheIOError(path: path, operation: "commit", errno: EBADF) }
        close(fd)
        fd = -1
        guard written == length else {
            unlink(path)
            throw BlockCacheError.wrongBlockLength(key, expected: length, actual: written)
        }
        try cache.install(path, as: key, length: length)
    }

    /// Abandons the block: removes what was written.
    public func discard() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
        unlink(path)
    }
}
