import Foundation
import Hummingbird

/// Simple uploads (`POST /api/2.0/files/content`, `POST /api/2.0/files/{id}/content`) and the preflight
/// check (`OPTIONS /2.0/files/content`).
struct UploadRoutes {
    let services: EmulatorServices

    /// Simple uploads are held in memory while parsed; Box recommends them only up to 50 MB.
    static let maxSimpleUploadBytes = 256 * 1024 * 1024

    /// A simple upload's attributes part and file bytes, checked per Box's rules.
    struct SimpleUpload {
        let attributes: JSONValue
        let content: Data
    }

    func register(on router: some RouterMethods<EmulatorRequestContext>) {
        let store = services.store
        router.post("/api/2.0/files/content") { request, context in
            let user = try context.user()
            let upload = try await Self.receive(request)
            guard let name = upload.attributes["name"]?.stringValue else { throw BoxError.badRequest("Missing name attribute") }
            guard let parent = upload.attributes["parent"]?.idMember else { throw BoxError.badRequest("Missing parent attribute") }
            let created = try upload.attributes.date("content_created_at")
            let modified = try upload.attributes.date("content_modified_at")
            // Check before storing, so a refused upload leaves no blob behind.
            try store.read { state in
                let folder = try state.resolve(parent, kind: .folder, for: user)
                try state.checkUpload(named: name, in: folder.id, size: Int64(upload.content.count), replacing: nil, by: user)
            }
            let stored = try services.store.content.store(upload.content)
            let fields = FieldSelection.from(query: request.query("fields"), fallback: .standard)
            let now = services.now
            let file = try store.write { state in
                state.render(try state.createFile(
                    named: name, in: parent, content: StoredContent(sha1: stored.sha1.hex, size: stored.size), by: user,
                    contentCreatedAt: created, contentModifiedAt: modified, at: now), fields)
            }
            return Response.fileCollection(file, status: .created)
        }

        router.post("/api/2.0/files/{id}/content") { request, context in
            let user = try context.user()
            let id = try request.idParameter(context)
            let upload = try await Self.receive(request)
            let name = upload.attributes["name"]?.stringValue
            let modified = try upload.attributes.date("content_modified_at")
            let stored = try services.store.content.store(upload.content)
            let fields = FieldSelection.from(query: request.query("fields"), fallback: .standard)
            let ifMatch = request.headers[.ifMatch]
            let now = services.now
            let file = try store.write { state in
                state.render(try state.addVersion(
                    to: id, content: StoredContent(sha1: stored.sha1.hex, size: stored.size), renamingTo: name, by: user,
                    contentModifiedAt: modified, ifMatch: ifMatch, at: now), fields)
            }
            return Response.fileCollection(file, status: .ok)
        }

        router.on("/2.0/files/content", method: .options) { request, context in
            let user = try context.user()
            let body = try await request.jsonObject()
            guard let name = body["name"]?.stringValue else { throw BoxError.badRequest("Missing name") }
            guard let parent = body["parent"]?.idMember else { throw BoxError.badRequest("Missing parent") }
            let size = body["size"]?.int64Value
            try store.read { state in
                let folder = try state.resolve(parent, kind: .folder, for: user)
                try state.checkUpload(named: name, in: folder.id, size: size, replacing: nil, by: user)
            }
            let base = services.publicBaseURL(for: request, fallback: "")
            return Response.json(.object([("upload_url", .string("\(base)/api/2.0/files/content")), ("upload_token", .null)]))
        }
    }

    /// Reads and checks a multipart upload: a body of known length (411 without Content-Length, unless it is
    /// sent chunked: rclone's Box backend does that and real Box takes it), attributes before the file part
    /// (400 metadata_after_file_contents), `Content-MD5` = hex SHA-1 of the content (400 bad_digest).
    static func receive(_ request: Request) async throws -> SimpleUpload {
        let chunked = request.headers[.transferEncoding]?.lowercased().contains("chunked") ?? false
        guard request.headers[.contentLength] != nil || chunked else {
            throw BoxError(.lengthRequired, "length_required", "Content-Length is required")
        }
        guard let boundary = MultipartForm.boundary(fromContentType: request.headers[.contentType]) else {
            throw BoxError.badRequest("Expected multipart/form-data")
        }
        let body = try await request.collectBody(limit: maxSimpleUploadBytes)
        guard let form = MultipartForm(body: body, boundary: boundary) else { throw BoxError.badRequest("Malformed multipart body") }
        guard let attributesIndex = form.parts.firstIndex(where: { $0.name == "attributes" }) else {
            throw BoxError.badRequest("Missing attributes part")
        }
        // Box accepts any name for the file part (rclone uses "contents").
        guard let fileIndex = form.parts.firstIndex(where: { $0.name != "attributes" }) else {
            throw BoxError.badRequest("Missing file part")
        }
        if fileIndex < attributesIndex {
            throw BoxError.badRequest("Metadata must be sent before file contents", code: "metadata_after_file_contents")
        }
        guard let attributes = JSONValue.parse(form.parts[attributesIndex].body), case .object = attributes else {
            throw BoxError.badRequest("Invalid attributes JSON")
        }
        let content = form.parts[fileIndex].body
        if let expected = request.headers[.contentMD5]?.trimmingCharacters(in: .whitespaces).lowercased(),
           expected != SHA1Hasher.digest(content).hex
        {
            throw BoxError.badRequest("The specified content-md5 did not match what we received", code: "bad_digest")
        }
        return SimpleUpload(attributes: attributes, content: content)
    }
}
