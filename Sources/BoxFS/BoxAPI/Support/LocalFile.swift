#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOPosix

/// A local file read or written at explicit offsets, for streaming uploads from and downloads into it.
///
/// The blocking `pread`/`pwrite` calls run on NIO's shared thread pool so they never stall the
/// cooperative executor (only 2 cores here, and the filesystem's own tasks share it). Positional I/O
/// has no shared file offset, so concurrent part reads of one file are safe.
final class LocalFile: Sendable {
    let path: String
    private let descriptor: CInt

    private init(path: String, descriptor: CInt) {
        self.path = path
        self.descriptor = descriptor
    }

    /// Opens `path` for reading, runs `body`, closes it.
    static func withReading<Result>(_ path: String, _ body: (LocalFile) async throws -> Result) async throws -> Result {
        try await with(path, flags: O_RDONLY, body)
    }

    /// Opens (creating or truncating) `path` for writing, runs `body`, closes it.
    static func withWriting<Result>(_ path: String, _ body: (LocalFile) async throws -> Result) async throws -> Result {
        try await with(path, flags: O_WRONLY | O_CREAT | O_TRUNC, body)
    }

    private static func with<Result>(_ path: String, flags: CInt, _ body: (LocalFile) async throws -> Result)
        async throws -> Result
    {
        let descriptor = try await NIOThreadPool.singleton.runIfActive { () throws -> CInt in
            let fd = open(path, flags | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw BoxAPIError.localFile(path: path, errno: errno) }
            return fd
        }
        let file = LocalFile(path: path, descriptor: descriptor)
        defer { close(descriptor) }
        return try await body(file)
    }

    /// Reads `count` bytes at `offset`; fewer only at end of file.
    func read(at offset: Int64, count: Int) async throws -> ByteBuffer {
        let (fd, path) = (descriptor, self.path)
        return try await NIOThreadPool.singleton.runIfActive {
            var buffer = ByteBufferAllocator().buffer(capacity: count)
            var done = 0
            while done < count {
                // The closure's result moves the buffer's writer index, so an error (-1) must not be returned
                // through it.
                var n = 0
                buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count - done) { raw in
                    n = pread(fd, raw.baseAddress, count - done, off_t(offset) + off_t(done))
                    return max(n, 0)
                }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw BoxAPIError.localFile(path: path, errno: errno)
                }
                if n == 0 { break }
                done += n
            }
            return buffer
        }
    }

    /// Writes all of `buffer` at `offset`.
    func write(_ buffer: ByteBuffer, at offset: Int64) async throws {
        let (fd, path) = (descriptor, self.path)
        try await NIOThreadPool.singleton.runIfActive {
            var remaining = buffer
            while remaining.readableBytes > 0 {
                let written = offset + Int64(buffer.readableBytes - remaining.readableBytes)
                let n = remaining.withUnsafeReadableBytes { raw in
                    pwrite(fd, raw.baseAddress, raw.count, off_t(written))
                }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw BoxAPIError.localFile(path: path, errno: errno)
                }
                remaining.moveReaderIndex(forwardBy: n)
            }
        }
    }
}
