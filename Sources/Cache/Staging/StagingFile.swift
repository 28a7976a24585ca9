import CLinux
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open staging file. Positional reads and writes are safe from many threads at once; the descriptor is
/// closed when the last reference goes away.
public final class StagingFile: Sendable {
    public let path: String
    /// The open descriptor, for callers that hand it to other I/O (e.g. splicing); owned by this object.
    public let fileDescriptor: Int32

    init(path: String, flags: Int32) throws {
        let fd = open(path, flags | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CacheIOError(path: path, operation: "open", errno: errno) }
        self.path = path
        self.fileDescriptor = fd
    }

    deinit { close(fileDescriptor) }

    /// The file's current size in bytes.
    public func size() throws -> Int64 { try FileIO.size(fileDescriptor, path: path) }

    /// Reads into `buffer` from `offset`; returns the bytes read, fewer than `buffer.count` only at end of file.
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        try FileIO.read(fileDescriptor, into: buffer, at: offset, path: path)
    }

    /// Writes all of `bytes` at `offset`, extending the file if needed.
    public func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws {
        try FileIO.write(fileDescriptor, bytes, at: offset, path: path)
    }

    /// Sets the file's size, discarding bytes past it or adding zeros.
    public func truncate(to size: Int64) throws {
        guard ftruncate(fileDescriptor, off_t(size)) == 0 else {
            throw CacheIOError(path: path, operation: "truncate", errno: errno)
        }
    }

    /// Lets go of the pages of the file already on disk, then starts writing the dirty ones without waiting.
    ///
    /// Called while a big file is being written: the final ``sync()`` has only the tail left, and the page cache
    /// holds tens of megabytes of it instead of the whole file (a 1 GiB upload doesn't evict everything else).
    /// Only clean pages are dropped, so nothing unwritten is lost; reads of dropped pages go to the disk.
    /// Advisory: a failure here shows up at `sync()`.
    public func writeBehind() {
        _ = posix_fadvise(fileDescriptor, 0, 0, POSIX_FADV_DONTNEED)
        _ = clinux_start_writeback(fileDescriptor, 0, 0)
    }

    /// Flushes the contents and size to disk.
    public func sync() throws {
        guard fsync(fileDescriptor) == 0 else { throw CacheIOError(path: path, operation: "sync", errno: errno) }
    }
}
