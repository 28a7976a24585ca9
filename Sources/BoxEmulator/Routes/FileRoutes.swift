import Foundation
import Hummingbird

/// Files: get, update (rename/move/content_modified_at), copy, delete, versions, and the download redirect.
struct FileRoutes {
    let services: EmulatorServices

    func register(on router: some RouterMethods<EmulatorRequestContext>) {
        let store = services.store
        router.get("/2.0/files/{id}") { request, context in
            let user = try context.user()
            let fields = FieldSelection.from(query: request.query("fields"), fallback: .standard)
            let (etag, body) = try store.read { state in
                let file = try state.resolve(try request.idParameter(context), kind: .file, for: user)
                return (file.etag, state.render(file, fields))
            }
            return ItemResponses.conditional(body, etag: etag, request: request)
        }

        router.put("/2.0/files/{id}") { request, context in
            try await ItemResponses.update(.file, request: request, context: context, services: services)
        }

        router.post("/2.0/files/{id}/copy") { request, context in
            try await ItemResponses.copy(.file, request: request, context: context, services: services)
        }

        router.delete("/2.0/files/{id}") { request, context in
            let user = try context.user()
            let ifMatch = request.headers[.ifMatch]
            let now = services.now
            let id = try request.idParameter(context)
            try store.write { try $0.trash(.file, id, recursive: false, ifMatch: ifMatch, by: user, at: now) }
            return Response.empty(.noContent)
        }

        router.get("/2.0/files/{id}/versions") { request, context in
            let user = try context.user()
            return Response.json(try store.read { state in
                let file = try state.resolve(try request.idParameter(context), kind: .file, for: user)
                let past = (file.file?.versions.dropLast() ?? []).reversed().map { version -> JSONValue in
                    .object([
                        ("type", "file_version"), ("id", .string(String(version.id))), ("sha1", .string(version.sha1)),
                        ("name", .string(file.name)), ("size", .int(version.size)),
                        ("created_at", .string(BoxDate.format(version.createdAt))),
                        ("modified_at", .string(BoxDate.format(version.createdAt))),
                        ("modified_by", state.userMini(version.uploader)), ("trashed_at", .null), ("purged_at", .null),
                        ("version_number", .string(String(version.versionNumber))),
                    ])
                }
                return .object([("total_count", .int(Int64(past.count))), ("entries", .array(past)), ("offset", 0), ("limit", 1000)])
            })
        }

        router.get("/2.0/files/{id}/content") { request, context in
            let user = try context.user()
            let versionID = request.query("version")
            let link: (sha1: String, size: Int64, name: String) = try store.read { state in
                let file = try state.resolve(try request.idParameter(context), kind: .file, for: user)
                guard let content = file.file else { throw BoxError.notFound() }
                if let versionID {
                    guard let id = UInt64(versionID), let version = content.version(id: id) else { throw BoxError.notFound() }
                    return (version.sha1, version.size, file.name)
                }
                return (content.current.sha1, content.current.size, file.name)
            }
            if let retryAfter = services.faults.takeDownload202() {
                return Response.empty(.accepted, headers: [.retryAfter: String(retryAfter)])
            }
            let token = services.downloads.issue(sha1: link.sha1, size: link.size, name: link.name)
            let base = services.publicBaseURL(for: request, fallback: "")
            return Response.empty(.found, headers: [.location: "\(base)/d/1/\(token)/download"])
        }
    }
}
