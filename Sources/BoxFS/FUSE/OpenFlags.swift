#if canImport(Glibc)
import Glibc
#endif

/// The `open(2)` flags of an `open` or `create` request.
public struct OpenFlags: Sendable, Hashable {
    /// How the file is opened for data.
    public enum AccessMode: Sendable, Hashable {
        case readOnly
        case writeOnly
        case readWrite
    }

    /// The flags as the kernel passed them.
    public var rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    public var accessMode: AccessMode {
        switch rawValue & O_ACCMODE {
        case O_WRONLY: .writeOnly
        case O_RDWR: .readWrite
        default: .readOnly
        }
    }

    /// Whether the opener may write.
    public var isWritable: Bool { accessMode != .readOnly }
    /// `O_TRUNC`: truncate to zero on open.
    public var truncate: Bool { rawValue & O_TRUNC != 0 }
    /// `O_APPEND`: every write goes to the end.
    public var append: Bool { rawValue & O_APPEND != 0 }
    /// `O_EXCL` (with `create`): fail if the name exists.
    public var exclusive: Bool { rawValue & O_EXCL != 0 }
}
