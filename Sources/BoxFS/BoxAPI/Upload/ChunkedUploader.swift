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
struct ChunkedUploader: Sendable {
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
                // Hashed in chunks and sent streaming from the file (page cache) again: a part is never whole in
                // memory, however large Box makes it.
                let digest = try await hash(range, into: whole)
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
                group.addTask { try await uploadPart(range: range, digest: digest, session: session) }
                inFlight += 1
            }
            while let finished = try await group.next() {
                await record(finished, in: &progress)
            }
        }
        return whole.finish()
    }

    /// The SHA-1 of `range` of the file, read in chunks that also go into `whole` (the file's digest, in order).
    private func hash(_ range: ClosedRange<Int64>, into whole: SHA1Hasher) async throws -> SHA1Digest {
        let part = SHA1Hasher()
        for try await chunk in FileRangeBody(file: file, range: range.lowerBound..<range.upperBound + 1) {
            part.update(chunk)
            whole.update(chunk)
        }
        return part.finish()
    }

    private func record(_ part: UploadedPart, in progress: inout ChunkedUploadProgress) async {
        progress.parts.append(part)
        await onProgress?(progress)
    }
}
