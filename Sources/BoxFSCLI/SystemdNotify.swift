import Foundation

/// sd_notify(3) without libsystemd: with `Type=notify`, systemd starts units that depend on the mount only
/// once boxfs says it is mounted.
enum SystemdNotify {
    static func ready() { send("READY=1") }

    /// Sends READY=1 once `mountpoint` answers stat(2) as the mounted filesystem (not the directory beneath it),
    /// so units ordered after the mount find it working. stat blocks until the filesystem replies, so it runs on
    /// a thread of its own rather than on one the filesystem itself needs to answer.
    static func readyWhenAnswering(_ mountpoint: String) {
        guard ProcessInfo.processInfo.environment["NOTIFY_SOCKET"] != nil else { return }
        let parent = URL(fileURLWithPath: mountpoint).standardizedFileURL.deletingLastPathComponent().path
        Thread.detachNewThread {
            var below = stat()
            guard stat(parent, &below) == 0 else { return }
            while true {
                var mounted = stat()
                if stat(mountpoint, &mounted) == 0, mounted.st_dev != below.st_dev { break }
                usleep(10_000)
            }
            ready()
        }
    }

    static func stopping() { send("STOPPING=1") }

    static func send(_ state: String) {
        guard let path = ProcessInfo.processInfo.environment["NOTIFY_SOCKET"], !path.isEmpty else { return }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        // A leading "@" names an abstract socket.
        var bytes = Array(path.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in bytes.prefix(raw.count - 1).enumerated() { raw[i] = b }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + min(bytes.count, 107))
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                state.withCString { sendto(fd, $0, strlen($0), 0, pointer, length) }
            }
        }
    }
}
