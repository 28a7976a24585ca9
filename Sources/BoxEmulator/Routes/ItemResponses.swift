import Foundation
import Hummingbird

/// What file and folder routes share: conditional GETs, update and copy.
enum ItemResponses {
    /// 304 (empty) when `If-None-Match` names the current etag, else the body with an `ETag` header.
    static func conditional(_ body: JSONValue, etag: String?, request: Request) -> Response {
        guard let etag else { return .json(body) }
        if let wanted = request.headers[.ifNoneMatch], wanted.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")) == etag {
            return .empty(.notModified, headers: [.eTag: etag])
        }
        return .json(body, headers: [.eTag: etag])
    }

    /// `PUT /files/{id}` and `PUT /folders/{id}`: rename, move, content_modified_at, description.
    static func update(_ kind: ItemKind, request: Request, context: EmulatorRequestContext, services: EmulatorServices) async throws -> Response {
        let user = try context.user()
        let body = try await request.jsonObject()
        var changes = ItemChanges()
        if let name = body["name"], !name.isNull {
            guard let text = name.stringValue else { throw BoxError.badRequest("Invalid name") }
            changes.name = text
        }
        if let parent = body["parent"], !parent.isNull {
            guard let id = parent.idMember else { throw BoxError.badRequest("Invalid parent") }
            changes.parentWireID = id
        }
        changes.contentModifiedAt = try body.date("content_modified_at")
        changes.description = body["description"]?.stringValue
        let fields = FieldSelection.from(query: request.query("fields"), fallback: .standard)
        let id = try request.idParameter(context)
        let ifMatch = request.headers[.ifMatch]
        let now = services.now
        return .json(try services.store.write { state in
            state.render(try state.update(kind, id, with: changes, ifMatch: ifMatch, by: user, at: now), fields)
        })
    }

    /// `POST /files/{id}/copy` and `POST /folders/{id}/copy`.
    static func copy(_ kind: ItemKind, request: Request, context: EmulatorRequestContext, services: EmulatorServices) async throws -> Response {
        let user = try context.user()
        let body = try await request.jsonObject()
        guard let parent = body["parent"]?.idMember else { throw BoxError.badRequest("Missing parent") }
        let name = body["name"]?.stringValue
        let fields = FieldSelection.from(query: request.query("fields"), fallback: .standard)
        let id = try request.idParameter(context)
        let now = services.now
        return .json(try services.store.write { state in
            state.render(try state.copy(kind, id, to: parent, name: name, by: user, at: now), fields)
        }, status: .created)
    }
}
