#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few POSIX file operations the cache needs, with retries on `EINTR` and short transfers handled.
enum FileIO {
    /// Writes all of `bytes` at `offset`.
    static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64, path: String) throws {
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw CacheIOError(path: path, operation: "write", errno: errno)
            }
            done += n
        }
    }

    /// Reads into `buffer` from `offset` until it is full or the file ends; returns the bytes read.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64,
                     path: String) throws -> Int {
        var done = 0
        while done < buffer.count {
            let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw CacheIOError(path: path, operation: "read", errno: errno)
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    static func size(_ fd: Int32, path: String) throws -> Int64 {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw CacheIOError(path: path, operation: "stat", errno: errno) }
        return Int64(info.st_size)
    }

    /// Makes a directory and any missing parents; an existing directory is fine.
    static func makeDirectories(_ path: String) throws {
        if mkdir(path, 0o700) == 0 || errno == EEXIST { return }
        if errno == ENOENT, let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            try makeDirectories(String(path[..<slash]))
            if mkdir(path, 0o700) == 0 || errno == EEXIST { return }
        }
        throw CacheIOError(path: path, operation: "create directory", errno: errno)
    }

    /// Flushes a directory's entries, so names created or removed in it survive a crash.
    static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw CacheIOError(path: path, operation: "open directory", errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw CacheIOError(path: path, operation: "sync directory", errno: errno) }
    }

    /// The names in a directory, without `.` and `..`; empty if the directory doesn't exist.
    static func entries(of path: String) throws -> [String] {
        guard let dir = opendir(path) else {
            if errno == ENOENT { return [] }
            throw CacheIOError(path: path, operation: "list directory", errno: errno)
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Removes a file or a directory tree; a missing path is fine.
    static func removeTree(_ path: String) throws {
        if unlink(path) == 0 || errno == ENOENT { return }
        guard errno == EISDIR || errno == EPERM else {
            throw CacheIOError(path: path, operation: "remove", errno: errno)
        }
        for name in try entries(of: path) { try removeTree(path + "/" + name) }
        guard rmdir(path) == 0 || errno == ENOENT else {
            throw CacheIOError(path: path, operation: "remove directory", errno: errno)
        }
    }
}
