import BoxFS
import Foundation

/// Finds and reads the status a mount's daemon publishes (see `StatusDirectory`).
enum StatusFile {
    /// The status of the mount at `mountpoint`, nil if no live daemon publishes one.
    static func read(mountpoint: String) -> MountStatus? {
        let link = StatusDirectory.link(forMountpoint: mountpoint)
        guard let data = try? Data(contentsOf: link.resolvingSymlinksInPath()) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let status = try? decoder.decode(MountStatus.self, from: data), isAlive(status.pid) else { return nil }
        return status
    }

    /// Whether the process runs; an exited one its parent hasn't reaped yet (a zombie) counts as gone.
    static func isAlive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        // /proc/PID/stat: "PID (comm) STATE ...", comm may itself contain spaces or parentheses.
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")")
        else { return true }
        return !stat[close...].hasPrefix(") Z")
    }
}

extension MountTable {
    /// Mountpoints of boxfs mounts (type `fuse.boxfs`), in mount order.
    static func boxfsMountpoints() -> [String] {
        guard let table = try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8) else { return [] }
        return table.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count > 2, fields[2] == "fuse.boxfs" else { return nil }
            // /proc/mounts escapes spaces and the like as octal (\040).
            return unescapeOctal(String(fields[1]))
        }
    }

    private static func unescapeOctal(_ field: String) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(field.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "\\"), utf8.count >= 3, let value = UInt8(String(decoding: utf8.prefix(3), as: UTF8.self), radix: 8) {
                bytes.append(value)
                utf8 = utf8.dropFirst(3)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Human-readable sizes for status lines: binary units, one decimal.
enum ByteCount {
    static func format(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }
}
