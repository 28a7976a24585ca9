import Foundation
import Hummingbird

/// `POST /api/2.0/files/upload_sessions/{id}/commit`: checks the parts list and the whole-file `Digest`,
/// assembles the parts into one blob and creates the file or version.
struct UploadCommit {
    let services: EmulatorServices

    func commit(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let user = try context.user()
        let session = try services.sessions.session(try UploadSessionRoutes.sessionID(context), user: user)
        let fields = FieldSelection.from(query: request.query("fields"), fallback: .standard)
        if let committed = session.committedFile {
            let file = try services.store.read { state in try state.resolve(Substring(committed.description), kind: .file, for: user) }
            return Response.fileCollection(services.store.read { $0.render(file, fields) }, status: .created)
        }
        let body = try await request.jsonObject(limit: 16 << 20)
        guard let digestHeader = request.headers[.digest], let expected = SHA1Digest.fromDigestHeader(digestHeader) else {
            throw BoxError.badRequest("Missing or invalid Digest header", code: "missing_digest")
        }
        let parts = try Self.checkParts(body["parts"]?.arrayValue ?? [], session: session)
        if let retryAfter = services.faults.takeCommit202() {
            return Response.empty(.accepted, headers: [.retryAfter: String(retryAfter)])
        }
        let assembled = services.store.content.temporaryURL()
        let digest = try await BlockingIO.run { try Self.assemble(parts.map(\.file), into: assembled) }
        guard digest == expected else {
            try? FileManager.default.removeItem(at: assembled)
            throw BoxError.badRequest("The specified Digest did not match what we received", code: "bad_digest")
        }
        try services.store.content.adopt(assembled, sha1: digest)

        let attributes = body["attributes"] ?? .object([])
        let created = try attributes.date("content_created_at")
        let modified = try attributes.date("content_modified_at")
        let content = StoredContent(sha1: digest.hex, size: session.fileSize)
        let ifMatch = request.headers[.ifMatch]
        let now = services.now
        let (file, json): (Item, JSONValue) = try services.store.write { state in
            let file: Item
            switch session.target {
            case let .newFile(folder, name):
                file = try state.createFile(
                    named: attributes["name"]?.stringValue ?? name, in: Substring(folder.description), content: content,
                    by: user, contentCreatedAt: created, contentModifiedAt: modified, at: now)
            case let .newVersion(fileID, name):
                file = try state.addVersion(
                    to: Substring(fileID.description), content: content, renamingTo: attributes["name"]?.stringValue ?? name,
                    by: user, contentModifiedAt: modified, ifMatch: ifMatch, at: now)
            }
            return (file, state.render(file, fields))
        }
        services.sessions.markCommitted(session.id, file: file.id)
        return Response.fileCollection(json, status: .created)
    }

    /// The session's parts in offset order, if `sent` lists exactly them and they cover the file
    /// (400 parts_mismatch otherwise).
    static func checkParts(_ sent: [JSONValue], session: UploadSession) throws -> [UploadSession.Part] {
        let stored = session.parts.values.sorted { $0.offset < $1.offset }
        let mismatch = BoxError.badRequest("No matching part found on server", code: "parts_mismatch")
        guard stored.count == session.totalParts, stored.count == sent.count else { throw mismatch }
        for (part, json) in zip(stored, sent.sorted { ($0["offset"]?.int64Value ?? 0) < ($1["offset"]?.int64Value ?? 0) }) {
            guard part.matches(json) else { throw mismatch }
        }
        return stored
    }

    /// Concatenates part files into `target`, returning the SHA-1 of the whole.
    static func assemble(_ parts: [URL], into target: URL) throws -> SHA1Digest {
        guard FileManager.default.createFile(atPath: target.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        let output = try FileHandle(forWritingTo: target)
        defer { try? output.close() }
        let hasher = SHA1Hasher()
        for part in parts {
            let input = try FileHandle(forReadingFrom: part)
            defer { try? input.close() }
            while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                hasher.update(chunk)
                try output.write(contentsOf: chunk)
            }
        }
        return hasher.finalize()
    }
}
