import Cache
import Foundation
import NIOCore
import NIOHTTP1

/// The HTTP calls of a chunked upload: session create, part upload, parts list, commit, abort.
extension ChunkedUploader {
    /// `POST /files/upload_sessions` or `POST /files/{id}/upload_sessions`.
    func createSession() async throws -> ChunkedUploadProgress {
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

    /// `PUT` of one part with `Content-Range` and `Digest: sha=<base64>`.
    func uploadPart(range: ClosedRange<Int64>, digest: SHA1Digest, session: ChunkedUploadProgress) async throws
        -> UploadedPart
    {
        let length = range.upperBound - range.lowerBound + 1
        var request = BoxRequest(
            .PUT, session.endpoints.uploadPart, kind: .uploadPart, timeout: client.transferTimeout(bytes: length))
        request.bucket = .upload
        request.headers.add(name: "Content-Type", value: "application/octet-stream")
        request.headers.add(name: "Content-Range", value: "bytes \(range.lowerBound)-\(range.upperBound)/\(size)")
        request.headers.add(name: "Digest", value: "sha=\(digest.base64)")
        let body = FileRangeBody(file: file, range: range.lowerBound..<range.upperBound + 1)
        request.body = .stream(length: length, make: { body.body() })
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
        recorder.record { $0.bytesUploaded += length }
        return response.part
    }

    /// All parts Box holds for the session (`GET .../parts`, offset paging).
    func listParts(_ session: ChunkedUploadProgress) async throws -> [UploadedPart] {
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
    func commit(_ progress: ChunkedUploadProgress, digest: SHA1Digest) async throws -> BoxItem {
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
        var mismatches = 0
        while true {
            let answer: (BoxItemCollection?, Double?)
            do {
                answer = try await client.send(request, recover: { error in
                    try await client.landedUpload(target, sha1: digest, after: error).map { ($0, nil) }
                }) { response in
                    if response.status == .accepted {
                        _ = try await response.body.collect(upTo: 1024 * 1024)
                        return (nil, response.headers.first(name: "Retry-After").flatMap(Double.init))
                    }
                    return (try await BoxClient.decode(BoxItemCollection.self, from: response), nil)
                }
            } catch BoxAPIError.notFound(let body) {
                // The session is gone. If it was committed by an earlier run whose answer never reached the
                // caller (a crash after the commit, before the progress was cleared), the file has our content.
                guard let landed = try await client.landedUpload(target, sha1: digest, after: .notFound(body)) else {
                    throw BoxAPIError.notFound(body)
                }
                answer = (landed, nil)
            } catch BoxAPIError.http(400, let body) where body?.code == "parts_mismatch" && mismatches < 3 {
                // Box can report this for a moment right after the last part is stored (rclone waits and
                // retries too); a list that is really wrong fails again.
                mismatches += 1
                answer = (nil, 2)
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
    func abort(_ progress: ChunkedUploadProgress) async {
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
