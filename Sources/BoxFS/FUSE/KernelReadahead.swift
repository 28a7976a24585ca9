#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The kernel's read-ahead for one FUSE mount: `read_ahead_kb` of the mount's backing device in sysfs.
///
/// Every FUSE mount starts at the kernel's default (128 KiB) and `init` can only lower it, so however large the
/// requests may be (`max_pages`), a sequential reader reaches the filesystem in 128 KiB pieces, one or two at a
/// time. Raising it (root only) before answering `init` lets the kernel send 1 MiB reads and keep several in
/// flight: an eighth of the requests, and the pipeline stays full.
enum KernelReadahead {
    /// Sets the read-ahead of the FUSE filesystem mounted at `mountpoint` to `bytes` (rounded down to KiB).
    ///
    /// Finds the device in /proc/self/mountinfo rather than with stat(2): while `init` is being answered, the
    /// mount can't answer a stat, and asking it would deadlock.
    static func set(_ bytes: UInt32, mountpoint: String) throws {
        guard let device = try device(mountedAt: mountpoint) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: mountpoint])
        }
        let path = "/sys/class/bdi/\(device)/read_ahead_kb"
        try String(bytes / 1024).write(toFile: path, atomically: false, encoding: .utf8)
    }

    /// The `major:minor` of the newest mount at `mountpoint`.
    static func device(mountedAt mountpoint: String) throws -> String? {
        let table = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
        var device: String?
        for line in table.split(separator: "\n") {
            // "36 35 0:45 / /mnt/box rw,nosuid - fuse.boxfs boxfs rw,..." (fields 3 and 5; spaces escaped as \040)
            let fields = line.split(separator: " ", maxSplits: 5)
            if fields.count > 4, unescape(fields[4]) == mountpoint { device = String(fields[2]) }
        }
        return device
    }

    /// Undoes mountinfo's octal escapes (`\040` for a space, `\011`, `\012`, `\134`).
    private static func unescape(_ field: Substring) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(field.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "\\"), utf8.count >= 3,
               let value = UInt8(String(decoding: utf8.prefix(3), as: UTF8.self), radix: 8) {
                bytes.append(value)
                utf8 = utf8.dropFirst(3)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
