import Foundation

/// Where `boxfs status MOUNTPOINT` finds a mount's status: a symlink named after the mountpoint in a runtime
/// directory (`/run/boxfs` for root, `$XDG_RUNTIME_DIR/boxfs` otherwise), pointing at the status file in the
/// mount's cache directory. The cache directory can't be derived from the mountpoint alone (`cache_dir` may
/// be set), and the mount table doesn't name it.
public enum StatusDirectory {
    public static var runtimeDirectory: URL {
        if getuid() == 0 { return URL(fileURLWithPath: "/run/boxfs") }
        if let runtime = ProcessInfo.processInfo.environment["XDG_RUNTIME_DIR"], !runtime.isEmpty {
            return URL(fileURLWithPath: runtime).appendingPathComponent("boxfs")
        }
        return URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("boxfs-\(getuid())")
    }

    /// The link for one mountpoint, e.g. `/run/boxfs/mnt-box.status` for `/mnt/box`.
    public static func link(forMountpoint mountpoint: String) -> URL {
        let absolute = URL(fileURLWithPath: mountpoint).standardizedFileURL.path
        let name = absolute.split(separator: "/").joined(separator: "-")
        return runtimeDirectory.appendingPathComponent((name.isEmpty ? "root" : name) + ".status")
    }
}
