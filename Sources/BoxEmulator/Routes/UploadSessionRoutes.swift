import Foundation
import Hummingbird
import NIOCore

/// Chunked upload sessions: create (new file / new version), upload part, status, list parts, commit, abort.
struct UploadSessionRoutes {
    let services: EmulatorServices
    private let fileIO = FileIO()

    init(services: EmulatorServices) {
        self.services = services
    }

    func register(on router: some RouterMethods<EmulatorRequestContext>) {
        let store = services.store
        let sessions = services.sessions
        let configuration = services.configuration

        router.post("/api/2.0/files/upload_sessions") { request, context in
            let user = try context.user()
            let body = try await request.jsonObject()
            guard let folder = body["folder_id"]?.stringValue else { throw BoxError.badRequest("Missing folder_id", code: "missing_destination") }
            let size = try Self.fileSize(body, minimum: configuration.chunkedUploadMinimumSize)
            guard let name = body["file_name"]?.stringValue else { throw BoxError.badRequest("Missing file_name", code: "missing_file_name") }
            let folderID: ItemID = try store.read { state in
                let parent: Item
                do {
                    parent = try state.resolve(Substring(folder), kind: .folder, for: user)
                } catch let error as BoxError where error.status == .notFound {
                    throw BoxError(.notFound, "invalid_parameter", "Folder not found")
                }
                try state.checkUpload(named: name, in: parent.id, size: size, replacing: nil, by: user)
                return parent.id
            }
            let session = try sessions.create(user: user, target: .newFile(folder: folderID, name: name), fileSize: size, lifetime: configuration.uploadSessionLifetime)
            return Response.json(session.json(baseURL: services.publicBaseURL(for: request, fallback: "")), status: .created)
        }

        router.post("/api/2.0/files/{id}/upload_sessions") { request, context in
            let user = try context.user()
            let id = try request.idParameter(context)
            let body = try await request.jsonObject()
            let size = try Self.fileSize(body, minimum: configuration.chunkedUploadMinimumSize)
            let name = body["file_name"]?.stringValue
            let fileID: ItemID = try store.read { state in
                let file = try state.resolve(id, kind: .file, for: user)
                try state.checkUpload(named: name ?? file.name, in: file.parentID!, size: size, replacing: file, by: user)
                return file.id
            }
            let session = try sessions.create(user: user, target: .newVersion(file: fileID, name: name), fileSize: size, lifetime: configuration.uploadSessionLifetime)
            return Response.json(session.json(baseURL: services.publicBaseURL(for: request, fallback: "")), status: .created)
        }

        router.put("/api/2.0/files/upload_sessions/{session}") { request, context in
            let user = try context.user()
            let session = try sessions.session(try Self.sessionID(context), user: user)
            let range = try Self.contentRange(request, session: session)
            guard let digestHeader = request.headers[.digest] else { throw BoxError.badRequest("Missing Digest header", code: "missing_digest") }
            guard let expected = SHA1Digest.fromDigestHeader(digestHeader) else { throw BoxError.badRequest("Invalid Digest header", code: "invalid_digest") }
            let file = sessions.newPartURL(session: session.id, offset: range.lowerBound)
            let hasher = SHA1Hasher()
            let received = ByteCounter()
            let body = request.body.map { buffer -> ByteBuffer in
                received.add(buffer.readableBytes)
                buffer.withUnsafeReadableBytes { hasher.update($0) }
                return buffer
            }
            try await fileIO.writeFile(contents: body, path: file.path, context: context)
            let expectedLength = range.upperBound - range.lowerBound + 1
            guard received.value == expectedLength else {
                try? FileManager.default.removeItem(at: file)
                throw BoxError(.rangeNotSatisfiable, "requested_range_not_satisfiable", "Body length doesn't match Content-Range")
            }
            let digest = hasher.finalize()
            guard digest == expected else {
                try? FileManager.default.removeItem(at: file)
                throw BoxError.badRequest("The specified Digest did not match what we received", code: "bad_digest")
            }
            let part = UploadSession.Part(
                partID: String(format: "%08X", UInt32.random(in: 0...UInt32.max)), offset: range.lowerBound,
                size: expectedLength, sha1: digest.hex, file: file)
            try sessions.addPart(part, to: session.id)
            return Response.json(.object([("part", part.json)]))
        }

        router.get("/api/2.0/files/upload_sessions/{session}") { request, context in
            let session = try sessions.session(try Self.sessionID(context), user: try context.user())
            return Response.json(session.json(baseURL: services.publicBaseURL(for: request, fallback: "")))
        }

        router.get("/api/2.0/files/upload_sessions/{session}/parts") { request, context in
            let session = try sessions.session(try Self.sessionID(context), user: try context.user())
            let offset = Int(request.query("offset") ?? "") ?? 0
            let limit = min(max(Int(request.query("limit") ?? "") ?? 100, 1), 1000)
            let ordered = session.parts.values.sorted { $0.offset < $1.offset }
            let page = ordered.dropFirst(offset).prefix(limit)
            return Response.json(.object([
                ("total_count", .int(Int64(ordered.count))), ("limit", .int(Int64(limit))), ("offset", .int(Int64(offset))),
                ("entries", .array(page.map(\.json))),
            ]))
        }

        router.delete("/api/2.0/files/upload_sessions/{session}") { _, context in
            let session = try sessions.session(try Self.sessionID(context), user: try context.user())
            sessions.abort(session.id)
            return Response.empty(.noContent)
        }

        router.post("/api/2.0/files/upload_sessions/{session}/commit") { request, context in
            try await UploadCommit(services: services).commit(request, context: context)
        }
    }

    static func sessionID(_ context: EmulatorRequestContext) throws -> String {
        guard let id = context.parameters.get("session") else { throw BoxError.notFound() }
        return id
    }

    static func fileSize(_ body: JSONValue, minimum: Int64) throws -> Int64 {
        guard let raw = body["file_size"] else { throw BoxError.badRequest("Missing file_size", code: "missing_file_size") }
        guard let size = raw.int64Value, size >= 0 else { throw BoxError.badRequest("Invalid file_size", code: "invalid_file_size") }
        guard size >= minimum else {
            throw BoxError.badRequest("File size is less than minimum allowed for this API: \(minimum)", code: "file_size_too_small")
        }
        return size
    }

    /// `Content-Range: bytes a-b/total`, checked against the session: total equal to the file size, `a` a
    /// multiple of part_size, exactly part_size long except for the last part (416 otherwise).
    static func contentRange(_ request: Request, session: UploadSession) throws -> ClosedRange<Int64> {
        let invalid = BoxError(.rangeNotSatisfiable, "requested_range_not_satisfiable", "Content-Range doesn't match the session's parts")
        guard let header = request.headers[.contentRange]?.trimmingCharacters(in: .whitespaces),
              header.lowercased().hasPrefix("bytes ")
        else { throw BoxError.badRequest("Missing Content-Range header") }
        let spec = header.dropFirst("bytes ".count)
        let pieces = spec.split(separator: "/")
        let bounds = pieces.first?.split(separator: "-") ?? []
        guard pieces.count == 2, bounds.count == 2, let first = Int64(bounds[0]), let last = Int64(bounds[1]),
              let total = Int64(pieces[1]), first <= last
        else { throw BoxError.badRequest("Invalid Content-Range header") }
        guard total == session.fileSize, last < total, first % session.partSize == 0 else { throw invalid }
        let isLast = last == total - 1
        guard last - first + 1 == session.partSize || (isLast && last - first + 1 <= session.partSize) else { throw invalid }
        return first...last
    }
}

/// Counts bytes of one streamed body (fed sequentially by one task).
final class ByteCounter: @unchecked Sendable {
    private(set) var value: Int64 = 0
    func add(_ n: Int) { value += Int64(n) }
}
