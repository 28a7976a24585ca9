import Foundation

/// File content on disk, addressed by SHA-1: `<data>/blobs/<sha1>`. Blobs are immutable once stored, so readers
/// need no lock; versions and copies with equal content share one blob.
final class ContentStore: Sendable {
    let blobDirectory: URL
    let temporaryDirectory: URL

    init(dataDirectory: URL) throws {
        blobDirectory = dataDirectory.appendingPathComponent("blobs", isDirectory: true)
        temporaryDirectory = dataDirectory.appendingPathComponent("tmp", isDirectory: true)
        try FileManager.default.createDirectory(at: blobDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: temporaryDirectory, withIntermediateDirectories: true)
    }

    /// A fresh path under the data directory for content being received.
    func temporaryURL() -> URL {
        temporaryDirectory.appendingPathComponent(UUID().uuidString)
    }

    func url(sha1: String) -> URL { blobDirectory.appendingPathComponent(sha1) }

    /// Moves a fully received file whose digest is known into the blob store.
    func adopt(_ file: URL, sha1: SHA1Digest) throws {
        let target = url(sha1: sha1.hex)
        if FileManager.default.fileExists(atPath: target.path) {
            try FileManager.default.removeItem(at: file)
        } else {
            try FileManager.default.moveItem(at: file, to: target)
        }
    }

    /// Stores bytes held in memory; returns their digest and size.
    func store(_ data: Data) throws -> (sha1: SHA1Digest, size: Int64) {
        let digest = SHA1Hasher.digest(data)
        let file = temporaryURL()
        try data.write(to: file)
        try adopt(file, sha1: digest)
        return (digest, Int64(data.count))
    }
}
