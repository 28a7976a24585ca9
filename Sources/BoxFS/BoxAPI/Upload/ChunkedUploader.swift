import Cache
import Foundation
import NIOCore
import NIOHTTP1

/// One chunked upload (Box's upload sessions, files ≥ 20 MB).
///
/// Reads the file once, in order: each part is hashed (its own SHA-1 for the `Digest` header, and into
/// the whole-file SHA-1 for the commit) and handed to one of up to `chunkedUploadConcurrency` part uploads
/// in flight, so memory stays at a few parts whatever the file size. Parts already in the resumed progress
/// are hashed but not sent. Then the commit, repeated while Box answers `202`.
///
/// On a failure Box won't get over (a digest or name error, an expired session) the session is aborted;
/// on one that may pass (network, 5xx, rate limit, cancellation) it is kept so the caller can resume.
struct ChunkedUploader {
    let client: BoxClient
    let target: UploadDestination
    let file: LocalFile
    let size: Int64
    let contentModifiedAt: Date?
    let ifMatch: String?
    let onProgress: BoxClient.ChunkedUploadProgressHandler?

    /// The session can't finish this upload (gone on Box's side, or made for other content):
    /// a resumed one is replaced by a new session; for a new one, `underlying` is the caller's error.
    private struct SessionUnusable: Error {
        var underlying: BoxAPIError
    }

    func run(resuming: ChunkedUploadProgress?) async throws -> BoxItem {
        if let resumed = resuming, resumed.fileSize == size, resumed.expiresAt.map({ $0 > Date() }) ?? true {
            do {
                return try await upload(resumed)
            } catch is SessionUnusable {
                client.logger.info("chunked upload: saved session \(resumed.sessionID) unusable; starting a new one")
                await abort(resumed)
            }
        }
        do {
            return try await upload(try await createSession())
        } catch let unusable as SessionUnusable {
            throw unusable.underlying
        }
    }

    /// Uploads the missing parts of `start` and commits; aborts the session on a failure it can't survive.
    private func upload(_ start: ChunkedUploadProgress) async throws -> BoxItem {
        var progress = start
        await onProgress?(progress)
        do {
            let digest = try await uploadParts(&progress)
            return try await commit(progress, digest: digest)
        } catch let error as BoxAPIError {
            switch error {
            case .transport, .rateLimited:
                throw error
            case .http(let status, _) where status >= 500:
                throw error
            case .notFound, .http(410, _):
                // The session expired or was discarded on Box's side (or, for a new session, its
                // folder or file vanished).
                throw SessionUnusable(underlying: error)
            default:
                await abort(progress)
                throw error
            }
        }
    }

    /// `POST /files/upload_sessions` or `POST /files/{id}/upload_sessions`.
    private func createSession() async throws -> ChunkedUploadProgress {
        struct Body: Encodable {
            var folderID: String?
            var fileSize: Int64
            var fileName: String?

            enum CodingKeys: String, CodingKey {
                case folderID = "folder_id"
                case fileSize = "file_size"
                case fileName = "file_name"
            }
        }
        let path: String
        let body: Body
        switch target {
        case .newFile(let name, let parent):
            path = "/files/upload_sessions"
            body = Body(folderID: parent.rawValue, fileSize: size, fileName: name)
        case .newVersion(let id, let name):
            path = "/files/\(BoxURL.segment(id.rawValue))/upload_sessions"
            body = Body(fileSize: size, fileName: name)
        }
        var request = client.uploadRequest(.POST, path, kind: .uploadSession)
        try request.setJSON(body)
        request.accepted = [201]
        // Not idempotent, but a duplicate session from a repeated create is harmless: unused, it expires.
        let session: UploadSession = try await client.sendJSON(request)
        return session.progress(fileSize: size)
    }

    /// Reads and hashes the whole file, uploading the parts `progress` lacks; returns the file's SHA-1.
    private func uploadParts(_ progress: inout ChunkedUploadProgress) async throws -> SHA1Digest {
        let whole = SHA1Hasher()
        let stored = Dictionary(progress.parts.map { ($0.offset, $0) }, uniquingKeysWith: { first, _ in first })
        let concurrency = max(1, client.configuration.chunkedUploadConcurrency)
        let session = progress
        try await withThrowingTaskGroup(of: UploadedPart.self) { group in
            var inFlight = 0
            for index in 0..<session.totalParts {
                let range = session.range(ofPart: index)
                let count = Int(range.upperBound - range.lowerBound + 1)
                let bytes = try await file.read(at: range.lowerBound, count: count)
                guard bytes.readableBytes == count else { throw BoxAPIError.localFile(path: file.path, errno: EIO) }
                whole.update(bytes)
                let digest = SHA1Hasher.digest(bytes)
                if let done = stored[range.lowerBound] {
                    // The saved part must be this content, or the session belongs to another version of the file.
                    guard done.sha1.lowercased() == digest.hex, done.size == Int64(count) else {
                        throw SessionUnusable(underlying: .invalidResponse("saved part at \(done.offset) has other content"))
                    }
                    continue
                }
                if inFlight == concurrency, let finished = try await group.next() {
                    inFlight -= 1
                    await record(finished, in: &progress)
                }
                group.addTask { try await uploadPart(bytes, range: range, digest: digest, session: session) }
                inFlight += 1
            }
            while let finished = try await group.next() {
                await record(finished, in: &progress)
            }
        }
        return whole.finish()
    }

    private func record(_ part: UploadedPart, in progress: inout ChunkedUploadProgress) async {
        progress.parts.append(part)
        await onProgress?(progress)
    }

    /// `PUT` of one part with `Content-Range` and `Digest: sha=<base64>`.
    private func uploadPart(
        _ bytes: ByteBuffer, range: ClosedRange<Int64>, digest: SHA1Digest, session: ChunkedUploadProgress
    ) async throws -> UploadedPart {
        var request = BoxRequest(
            .PUT, session.endpoints.uploadPart, kind: .uploadPart,
            timeout: client.transferTimeout(bytes: Int64(bytes.readableBytes)))
        request.bucket = .upload
        request.headers.add(name: "Content-Type", value: "application/octet-stream")
        request.headers.add(name: "Content-Range", value: "bytes \(range.lowerBound)-\(range.upperBound)/\(size)")
        request.headers.add(name: "Digest", value: "sha=\(digest.base64)")
        request.body = .bytes(bytes)
        let recorder = client.recorder
        let response: UploadedPartResponse
        do {
            response = try await client.sendJSON(request)
        } catch let error as BoxAPIError where error.isPartAlreadyStored {
            // Parts are immutable: re-sending one that is stored (an attempt whose answer was lost, or a part
            // stored after the progress was last saved) gets 416 range_overlaps_existing_part. Then the
            // stored part, if it has our digest, is the answer.
            let parts = try await listParts(session)
            guard let stored = parts.first(where: { $0.offset == range.lowerBound && $0.sha1.lowercased() == digest.hex })
            else { throw error }
            response = UploadedPartResponse(part: stored)
        }
        guard response.part.sha1.lowercased() == digest.hex, response.part.offset == range.lowerBound else {
            throw BoxAPIError.invalidResponse("part at \(range.lowerBound) stored as \(response.part)")
        }
        recorder.record { $0.bytesUploaded += Int64(bytes.readableBytes) }
        return response.part
    }

    /// All parts Box holds for the session (`GET .../parts`, offset paging).
    private func listParts(_ session: ChunkedUploadProgress) async throws -> [UploadedPart] {
        var parts: [UploadedPart] = []
        while true {
            var components = URLComponents(string: session.endpoints.listParts)
            components?.queryItems = [URLQueryItem(name: "offset", value: String(parts.count)),
                                      URLQueryItem(name: "limit", value: "1000")]
            var request = BoxRequest(
                .GET, components?.string ?? session.endpoints.listParts, kind: .uploadParts,
                timeout: client.configuration.requestTimeout)
            request.bucket = .upload
            let page: UploadedPartsPage = try await client.sendJSON(request)
            parts += page.entries
            if page.entries.isEmpty || parts.count >= (page.totalCount ?? parts.count) { return parts }
        }
    }

    /// `POST .../commit` with the parts in order and the whole-file digest, repeated while Box answers `202`.
    private func commit(_ progress: ChunkedUploadProgress, digest: SHA1Digest) async throws -> BoxItem {
        struct Body: Encodable {
            var parts: [UploadedPart]
            var attributes: Attributes
        }
        struct Attributes: Encodable {
            var contentModifiedAt: Date?

            enum CodingKeys: String, CodingKey {
                case contentModifiedAt = "content_modified_at"
            }
        }
        var request = BoxRequest(
            .POST, progress.endpoints.commit, kind: .uploadCommit, timeout: client.configuration.requestTimeout)
        request.bucket = .upload
        try request.setJSON(
            Body(parts: progress.parts.sorted { $0.offset < $1.offset },
                 attributes: Attributes(contentModifiedAt: contentModifiedAt)))
        request.headers.add(name: "Digest", value: "sha=\(digest.base64)")
        if let ifMatch { request.headers.add(name: "If-Match", value: ifMatch) }
        request.accepted = [200, 201, 202]
        // A lost commit that went through leaves the session gone: the repeat gets 404 (or a name
        // conflict with our own file); the file holding our digest settles it.
        request.safety = .replayable
        var notReady = 0
        while true {
            let answer: (BoxItemCollection?, Double?) = try await client.send(request, recover: { error in
                try await client.landedUpload(target, sha1: digest, after: error).map { ($0, nil) }
            }) { response in
                if response.status == .accepted {
                    _ = try await response.body.collect(upTo: 1024 * 1024)
                    return (nil, response.headers.first(name: "Retry-After").flatMap(Double.init))
                }
                return (try await BoxClient.decode(BoxItemCollection.self, from: response), nil)
            }
            if let collection = answer.0 {
                guard let item = collection.entries.first else {
                    throw BoxAPIError.invalidResponse("commit returned no file")
                }
                return item
            }
            // 202: the parts are stored but not yet assembled; the same commit must be sent again.
            notReady += 1
            guard notReady <= client.configuration.maxNotReadyRetries else {
                throw BoxAPIError.http(status: 202, error: nil)
            }
            try await Task.sleep(
                for: RetryPolicy.duration(min(answer.1 ?? 1, client.configuration.maxRetryDelay)))
        }
    }

    /// `DELETE` of the session, best effort: failing to abort only leaves a session Box expires anyway.
    private func abort(_ progress: ChunkedUploadProgress) async {
        var request = BoxRequest(
            .DELETE, progress.endpoints.abort, kind: .uploadAbort, timeout: client.configuration.requestTimeout)
        request.bucket = .upload
        request.accepted = [204]
        do {
            try await client.sendExpectingNoContent(request)
        } catch {
            client.logger.debug("chunked upload: abort of session \(progress.sessionID) failed: \(error)")
        }
    }
}

extension BoxAPIError {
    /// A part upload refused because a part already covers its range.
    fileprivate var isPartAlreadyStored: Bool {
        switch self {
        case .http(416, _), .nameConflict: return true
        default: return false
        }
    }
}
