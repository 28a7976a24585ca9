import Foundation

/// Crash-safe replacement of a small file.
enum AtomicFile {
    struct Failure: Error {
        var reason: String
        init(_ step: String) { reason = "\(step): \(String(cString: strerror(errno)))" }
    }

    static func write(_ data: Data, to url: URL, mode: mode_t) throws {
        let directory = url.deletingLastPathComponent().path
        let temporary = url.path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw Failure("create \(temporary)") }
        var closed = false
        defer {
            if !closed { close(fd) }
        }
        // O_CREAT's mode is filtered by the umask and ignored for an existing file: set it explicitly.
        guard fchmod(fd, mode) == 0 else { throw Failure("chmod") }
        let written = data.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 { if errno == EINTR { continue }; return false }
                offset += n
            }
            return true
        }
        guard written else { throw Failure("write") }
        guard fsync(fd) == 0 else { throw Failure("fsync") }
        closed = true
        guard close(fd) == 0 else { throw Failure("close") }
        guard rename(temporary, url.path) == 0 else {
            let failure = Failure("rename")
            unlink(temporary)
            throw failure
        }
        // The rename is durable only once the directory entry is.
        let directoryFD = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }
}
