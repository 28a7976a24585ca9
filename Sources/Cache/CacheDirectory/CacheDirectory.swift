/// The on-disk home of one mount's cache, locked for exclusive use by this process.
///
/// Layout: `metadata.sqlite` (``MetadataStore``), `blocks/` (``BlockCache``), `staging/` (``StagingArea``) and
/// `lock`. The lock lives as long as this object, and every component keeps a reference to it, so the directory
/// stays locked while any of them is in use.
public final class CacheDirectory: Sendable {
    /// The directory's absolute or relative path, as given.
    public let path: String
    private let lock: CacheDirectoryLock

    /// Creates the directory if needed and locks it.
    ///
    /// - Throws: ``CacheDirectoryError/inUse(directory:)`` when another process holds the directory.
    public init(path: String) throws {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        try FileIO.makeDirectories(trimmed)
        self.path = trimmed
        self.lock = try CacheDirectoryLock(directory: trimmed)
    }

    var metadataDatabasePath: String { path + "/metadata.sqlite" }
    var blocksPath: String { path + "/blocks" }
    var stagingPath: String { path + "/staging" }
}
