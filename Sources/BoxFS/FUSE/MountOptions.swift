#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// How a ``FUSESession`` mounts: the kernel/libfuse options plus the ownership overrides boxfs applies itself.
///
/// Built from the `-o` options the CLI collects (``MountArguments/kernelOptions``) with
/// ``init(parsing:)``, which rejects anything neither libfuse nor boxfs understands, so a typo in fstab
/// fails the mount instead of being silently dropped.
public struct MountOptions: Sendable, Hashable {
    /// The "device" shown in `/proc/mounts` and `df` (`fsname=`).
    public var fsName: String = "boxfs"
    /// The filesystem type suffix: mounts show as `fuse.<subtype>` (`subtype=`).
    public var subtype: String = "boxfs"
    /// Let users other than the mounting one in (`allow_other`; needs `user_allow_other` for non-root).
    public var allowOther: Bool = false
    /// Mount read-only (`ro`); the kernel then answers `EROFS` to writes itself.
    public var readOnly: Bool = false
    /// Have a `fusermount3` helper unmount when the process dies, even by SIGKILL, so a crash leaves no
    /// stale mount (`auto_unmount`; libfuse then mounts through `fusermount3`).
    public var autoUnmount: Bool = false
    /// The largest read request, in bytes (`max_read=`); nil for ``defaultMaxRead``.
    public var maxRead: UInt32?

    /// The largest read whose reply libfuse can splice through a pipe of Linux's default size limit
    /// (`/proc/sys/fs/pipe-max-size`, 1 MiB): libfuse wants room for the data plus a page each for the header, the
    /// spare and every file buffer (two when a read spans two cache blocks). A full 1 MiB read would need a larger
    /// pipe, which only CAP_SYS_RESOURCE may have, and libfuse then copies instead of splicing.
    public static let defaultMaxRead: UInt32 = (1 << 20) - 5 * 4096

    /// What the kernel and libfuse are told: `maxRead` or the default.
    var effectiveMaxRead: UInt32 { maxRead ?? Self.defaultMaxRead }
    /// Further mount flags passed to the kernel as given (`noatime`, `nodev`, `noexec`, `sync`, ...).
    public var flags: [String] = []
    /// Report every inode as owned by this user (`uid=`), whatever the filesystem says.
    public var ownerUID: uid_t?
    /// Report every inode as owned by this group (`gid=`).
    public var ownerGID: gid_t?
    /// Clear these permission bits from every reported mode (`umask=`, octal).
    public var umask: mode_t?

    public init() {}

    /// Mount flags libfuse turns into `mount(2)` flags (lib/mount.c); "ro" and "rw" are handled apart.
    static let kernelFlags: Set<String> = [
        "suid", "nosuid", "dev", "nodev", "exec", "noexec", "async", "sync", "dirsync", "atime", "noatime",
        "diratime", "nodiratime", "lazytime", "nolazytime", "relatime", "norelatime", "strictatime", "nostrictatime",
    ]

    /// Parses options such as `["ro", "allow_other", "uid=1000", "umask=022", "fsname=box:work"]`.
    ///
    /// - Throws: ``MountOptionsError`` for unknown options or malformed values.
    public init(parsing options: [String]) throws {
        for option in options {
            let (key, value) = Self.split(option)
            switch (key, value) {
            case ("fsname", let value?): fsName = value
            case ("subtype", let value?): subtype = value
            case ("allow_other", nil): allowOther = true
            case ("auto_unmount", nil): autoUnmount = true
            case ("default_permissions", nil): continue
            case ("ro", nil): readOnly = true
            case ("rw", nil): readOnly = false
            case ("max_read", let value?): maxRead = try Self.number(value, option: option, radix: 10)
            case ("uid", let value?): ownerUID = try Self.number(value, option: option, radix: 10)
            case ("gid", let value?): ownerGID = try Self.number(value, option: option, radix: 10)
            case ("umask", let value?):
                let mask: mode_t = try Self.number(value, option: option, radix: 8)
                guard mask <= 0o777 else { throw MountOptionsError.invalidValue(option: option) }
                umask = mask
            case (let flag, nil) where Self.kernelFlags.contains(flag): flags.append(flag)
            default: throw MountOptionsError.unknownOption(option)
            }
        }
    }

    /// The argument vector for `fuse_session_new`: a program name and one `-o` list.
    var libfuseArguments: [String] {
        // default_permissions always: the kernel checks access from the reported mode, uid and gid,
        // so the filesystem needs no `access` handler (boxfs has no permission model of its own).
        var options = ["fsname=\(Self.escaped(fsName))", "subtype=\(Self.escaped(subtype))", "default_permissions"]
        if allowOther { options.append("allow_other") }
        if autoUnmount { options.append("auto_unmount") }
        options.append(readOnly ? "ro" : "rw")
        options.append("max_read=\(effectiveMaxRead)")
        options += flags
        return ["boxfs", "-o", options.joined(separator: ",")]
    }

    private static func split(_ option: String) -> (String, String?) {
        guard let eq = option.firstIndex(of: "=") else { return (option, nil) }
        return (String(option[..<eq]), String(option[option.index(after: eq)...]))
    }

    private static func number<T: FixedWidthInteger>(_ text: String, option: String, radix: Int) throws -> T {
        guard let value = T(text, radix: radix) else { throw MountOptionsError.invalidValue(option: option) }
        return value
    }

    /// libfuse splits `-o` at unescaped commas.
    private static func escaped(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ",", with: "\\,")
    }
}

/// Why mount options were rejected.
public enum MountOptionsError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Neither libfuse nor boxfs knows the option.
    case unknownOption(String)
    /// The option's value does not parse (e.g. `uid=bob`; `uid=`, `gid=` are numeric, `umask=` is octal).
    case invalidValue(option: String)

    public var description: String {
        switch self {
        case .unknownOption(let option): "unknown mount option '\(option)'"
        case .invalidValue(let option): "invalid value in mount option '\(option)' (uid=, gid=, max_read= take numbers, umask= octal)"
        }
    }
}
