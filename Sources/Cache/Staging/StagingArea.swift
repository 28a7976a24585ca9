import Foundation

/// Files holding written data until it is uploaded, under `<cache dir>/staging`.
///
/// Staging files outlive the process on purpose: after a crash, the upload journal names the files still to be
/// uploaded, and ``leftovers()`` finds any the journal doesn't know.
public final class StagingArea: Sendable {
    /// The staging directory.
    public let path: String
    /// Held so the directory stays locked while this is in use.
    private let directory: CacheDirectory

    /// Opens the staging area in `directory`, creating the `staging` folder if needed.
    public init(directory: CacheDirectory) throws {
        self.directory = directory
        path = directory.stagingPath
        try FileIO.makeDirectories(path)
        try FileIO.syncDirectory(directory.path)
    }

    /// Creates a new, empty staging file with a unique name; the name is on disk when this returns.
    public func create() throws -> StagingFile {
        let filePath = path + "/" + UUID().uuidString
        let file = try StagingFile(path: filePath, flags: O_RDWR | O_CREAT | O_EXCL)
        try FileIO.syncDirectory(path)
        return file
    }

    /// Opens an existing staging file for reading and writing.
    public func open(path filePath: String) throws -> StagingFile {
        try StagingFile(path: filePath, flags: O_RDWR)
    }

    /// Deletes a staging file (a missing one is fine); open handles keep working until closed.
    public func remove(path filePath: String) throws {
        guard unlink(filePath) == 0 || errno == ENOENT else {
            throw CacheIOError(path: filePath, operation: "remove", errno: errno)
        }
        try FileIO.syncDirectory(path)
    }

    /// The paths of all staging files, in no particular order.
    public func leftovers() throws -> [String] {
        try FileIO.entries(of: path).map { path + "/" + $0 }
    }
}
