import AsyncHTTPClient
import Cache
import Foundation
import NIOCore
import NIOHTTP1

extension BoxClient {
    /// Called with the latest ``ChunkedUploadProgress`` of a chunked upload, to persist it.
    public typealias ChunkedUploadProgressHandler = @Sendable (ChunkedUploadProgress) async -> Void

    /// Uploads a local file as a new Box file, streaming it.
    ///
    /// Files smaller than ``BoxClientConfiguration/chunkedUploadThreshold`` go in one multipart request,
    /// larger ones through a chunked upload session (parts in parallel, resumable).
    ///
    /// - Parameters:
    ///   - name: The new file's name.
    ///   - parent: The folder to create it in.
    ///   - path: The local file; it must not change during the upload (a changed file fails Box's digest check).
    ///   - size: The local file's size in bytes.
    ///   - contentModifiedAt: The mtime to record on Box, or nil for the upload time.
    ///   - resuming: For chunked uploads: progress persisted from an earlier attempt of this same upload.
    ///   - onProgress: For chunked uploads: receives progress to persist.
    /// - Returns: The new file.
    /// - Throws: ``BoxAPIError/nameConflict(existing:_:)`` if the name is taken (the existing item's id and
    ///   `sha1` included), quota, size and name errors, and the usual transport failures.
    public func upload(
        name: String, parent: ItemID, fileAt path: String, size: Int64, contentModifiedAt: Date?,
        resuming: ChunkedUploadProgress? = nil, onProgress: ChunkedUploadProgressHandler? = nil
    ) async throws -> BoxItem {
        try await upload(
            .newFile(name: name, parent: parent), fileAt: path, size: size, contentModifiedAt: contentModifiedAt,
            ifMatch: nil, resuming: resuming, onProgress: onProgress)
    }

    /// Uploads a local file as the new version of an existing Box file, streaming it.
    ///
    /// - Parameters:
    ///   - id: The file to update.
    ///   - ifMatch: The etag the file must still have, else ``BoxAPIError/preconditionFailed(_:)``.
    ///   - Other parameters: as for ``upload(name:parent:fileAt:size:contentModifiedAt:resuming:onProgress:)``.
    /// - Returns: The file with its new version.
    public func uploadVersion(
        of id: ItemID, fileAt path: String, size: Int64, contentModifiedAt: Date?, ifMatch: String?,
        resuming: ChunkedUploadProgress? = nil, onProgress: ChunkedUploadProgressHandler? = nil
    ) async throws -> BoxItem {
        try await upload(
            .newVersion(of: id, name: nil), fileAt: path, size: size, contentModifiedAt: contentModifiedAt,
            ifMatch: ifMatch, resuming: resuming, onProgress: onProgress)
    }

    /// Uploads a local file to `target`, choosing a simple or chunked upload by size.
    public func upload(
        _ target: UploadDestination, fileAt path: String, size: Int64, contentModifiedAt: Date?, ifMatch: String?,
        resuming: ChunkedUploadProgress? = nil, onProgress: ChunkedUploadProgressHandler? = nil
    ) async throws -> BoxItem {
        try await LocalFile.withReading(path) { file in
            if size >= configuration.chunkedUploadThreshold {
                let uploader = ChunkedUploader(
                    client: self, target: target, file: file, size: size, contentModifiedAt: contentModifiedAt,
                    ifMatch: ifMatch, onProgress: onProgress)
                return try await uploader.run(resuming: resuming)
            }
            return try await simpleUpload(
                target, file: file, size: size, contentModifiedAt: contentModifiedAt, ifMatch: ifMatch)
        }
    }

    /// `POST /files/content` or `POST /files/{id}/content` with a streamed multipart body.
    private func simpleUpload(
        _ target: UploadDestination, file: LocalFile, size: Int64, contentModifiedAt: Date?, ifMatch: String?
    ) async throws -> BoxItem {
        // Content-MD5 (Box's name; it carries a hex SHA-1) goes in the headers, so the file is hashed first.
        let sha1 = try await Self.sha1(of: file, size: size)
        let multipart = MultipartBody(
            attributes: try Self.attributes(for: target, contentModifiedAt: contentModifiedAt),
            filename: target.fileName ?? "file", fileSize: size)
        var request = uploadRequest(.POST, target.contentPath, query: [("fields", BoxItem.fields)], kind: .upload)
        request.headers.add(name: "Content-Type", value: multipart.contentType)
        request.headers.add(name: "Content-MD5", value: sha1.hex)
        if let ifMatch { request.headers.add(name: "If-Match", value: ifMatch) }
        let recorder = self.recorder
        request.body = .stream(length: multipart.contentLength) {
            multipart.stream(from: file) { sent in recorder.record { $0.bytesUploaded += Int64(sent) } }
        }
        request.accepted = [200, 201]
        request.timeout = transferTimeout(bytes: size)
        request.safety = .replayable
        let collection: BoxItemCollection = try await sendJSON(request) { error in
            try await self.landedUpload(target, sha1: sha1, after: error)
        }
        guard let item = collection.entries.first else { throw BoxAPIError.invalidResponse("upload returned no file") }
        return item
    }

    /// After an upload attempt whose answer was lost, decides from a later attempt's error whether the
    /// lost one stored our content.
    ///
    /// A new file: the repeat finds the name taken; if that file has our SHA-1, it is our upload (or an
    /// identical file, which is just as good). A new version: if the file now has our SHA-1, our content is
    /// there. (Without `If-Match` a repeated version upload simply succeeds again, adding an identical
    /// version: no data is lost or duplicated as a file.)
    func landedUpload(_ target: UploadDestination, sha1: SHA1Digest, after error: BoxAPIError) async throws -> BoxItemCollection? {
        let id: ItemID
        switch (target, error) {
        case (.newFile, .nameConflict(let existing?, _)) where existing.kind == .file:
            id = existing.id
        case (.newFile(let name, let parent), .notFound):
            // A committed chunked session is gone; look the name up instead.
            guard let existing = try await existingItem(named: name, in: parent), existing.kind == .file else {
                return nil
            }
            id = existing.id
        case (.newVersion(let versionOf, _), _):
            id = versionOf
        default:
            return nil
        }
        let current = try await file(id)
        return current.sha1 == sha1.hex ? BoxItemCollection(entries: [current]) : nil
    }

    /// The item named `name` in `parent`, found with a size-less preflight (Box answers its conflict).
    func existingItem(named name: String, in parent: ItemID) async throws -> BoxErrorBody.ConflictingItem? {
        do {
            try await preflight(name: name, parent: parent, size: nil)
            return nil
        } catch BoxAPIError.nameConflict(let existing, _) {
            return existing
        }
    }

    /// The SHA-1 of the first `size` bytes of `file`.
    static func sha1(of file: LocalFile, size: Int64) async throws -> SHA1Digest {
        let hasher = SHA1Hasher()
        for try await chunk in FileRangeBody(file: file, range: 0..<size) { hasher.update(chunk) }
        return hasher.finish()
    }

    /// The `attributes` JSON of a simple upload.
    private static func attributes(for target: UploadDestination, contentModifiedAt: Date?) throws -> String {
        let attributes: ItemChanges
        switch target {
        case .newFile(let name, let parent):
            attributes = ItemChanges(name: name, parent: ItemReference(parent), contentModifiedAt: contentModifiedAt)
        case .newVersion(_, let name):
            attributes = ItemChanges(name: name, contentModifiedAt: contentModifiedAt)
        }
        return String(decoding: try BoxJSON.encoder().encode(attributes), as: UTF8.self)
    }
}

extension UploadDestination {
    /// The upload-host path of a simple upload to this target.
    var contentPath: String {
        switch self {
        case .newFile: return "/files/content"
        case .newVersion(let id, _): return "/files/\(BoxURL.segment(id.rawValue))/content"
        }
    }

    /// The name the file gets (nil: a version keeping its name).
    var fileName: String? {
        switch self {
        case .newFile(let name, _): return name
        case .newVersion(_, let name): return name
        }
    }
}
