#if canImport(Glibc)
import Glibc
#endif

/// Why a mount or unmount failed, phrased so an administrator knows what to do.
public enum FUSESessionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `/dev/fuse` can't be opened (module not loaded, or a container without the device).
    case deviceUnavailable(errno: Int32)
    /// The mountpoint is a dead FUSE mount left by a crashed process (`ENOTCONN` on stat).
    case staleMount(path: String)
    /// The mountpoint can't be used (missing, not a directory, no permission).
    case badMountpoint(path: String, errno: Int32)
    /// libfuse rejected the options (it printed which on stderr).
    case invalidOptions([String])
    /// The kernel refused the mount (libfuse printed why on stderr).
    case mountFailed(path: String)
    /// Unmounting failed (e.g. `EPERM` without privileges).
    case unmountFailed(path: String, errno: Int32)
    /// The handlers for unmounting on signals could not be installed.
    case signalHandlingFailed(errno: Int32)

    public var description: String {
        switch self {
        case .deviceUnavailable(let errno):
            "cannot open /dev/fuse: \(Self.text(errno)); load the module (modprobe fuse) or give the container the device"
        case .staleMount(let path):
            "\(path) is a stale FUSE mount (transport endpoint is not connected), left by a process that died; "
                + "run 'fusermount3 -u \(path)' (or 'umount -l \(path)' as root) and mount again"
        case .badMountpoint(let path, let errno):
            "cannot mount on \(path): \(Self.text(errno))"
        case .invalidOptions(let arguments):
            "libfuse rejected the mount options \(arguments.dropFirst().joined(separator: " "))"
        case .mountFailed(let path):
            "mounting FUSE on \(path) failed (see the libfuse message above)"
        case .unmountFailed(let path, let errno):
            "unmounting \(path) failed: \(Self.text(errno))"
        case .signalHandlingFailed(let errno):
            "cannot install the unmount-on-signal handlers: \(Self.text(errno))"
        }
    }

    private static func text(_ errno: Int32) -> String { String(cString: strerror(errno)) }
}
