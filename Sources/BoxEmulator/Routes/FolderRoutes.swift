import Hummingbird

/// Folders: get, list items, create, update (rename/move), copy, delete.
struct FolderRoutes {
    let services: EmulatorServices

    func register(on router: some RouterMethods<EmulatorRequestContext>) {
        let store = services.store
        router.get("/2.0/folders/{id}") { request, context in
            let user = try context.user()
            let fields = FieldSelection.from(query: request.query("fields"), fallback: .standard)
            let (etag, body) = try store.read { state in
                let folder = try state.resolve(try request.idParameter(context), kind: .folder, for: user)
                return (folder.isRoot ? nil : folder.etag, state.render(folder, fields))
            }
            return ItemResponses.conditional(body, etag: etag, request: request)
        }

        router.get("/2.0/folders/{id}/items") { request, context in
            let user = try context.user()
            let query = try Self.listingQuery(request)
            return Response.json(try store.read { state in
                let folder = try state.resolve(try request.idParameter(context), kind: .folder, for: user)
                return try state.listing(of: folder, query)
            })
        }

        router.post("/2.0/folders") { request, context in
            let user = try context.user()
            let body = try await request.jsonObject()
            guard let name = body["name"]?.stringValue else { throw BoxError.badRequest("Missing name") }
            guard let parent = body["parent"]?.idMember else { throw BoxError.badRequest("Missing parent") }
            let fields = FieldSelection.from(query: request.query("fields"), fallback: .standard)
            let now = services.now
            return Response.json(try store.write { state in
                state.render(try state.createFolder(named: name, in: parent, by: user, at: now), fields)
            }, status: .created)
        }

        router.put("/2.0/folders/{id}") { request, context in
            try await ItemResponses.update(.folder, request: request, context: context, services: services)
        }

        router.post("/2.0/folders/{id}/copy") { request, context in
            try await ItemResponses.copy(.folder, request: request, context: context, services: services)
        }

        router.delete("/2.0/folders/{id}") { request, context in
            let user = try context.user()
            let recursive = request.query("recursive") == "true"
            let ifMatch = request.headers[.ifMatch]
            let now = services.now
            let id = try request.idParameter(context)
            try store.write { try $0.trash(.folder, id, recursive: recursive, ifMatch: ifMatch, by: user, at: now) }
            return Response.empty(.noContent)
        }
    }

    static func listingQuery(_ request: Request) throws -> ListingQuery {
        var query = ListingQuery()
        query.fields = FieldSelection.from(query: request.query("fields"), fallback: .mini)
        if let limit = request.query("limit") {
            guard let value = Int(limit) else { throw BoxError.badRequest("Invalid limit", code: "invalid_limit") }
            query.limit = value
        }
        if let offset = request.query("offset") {
            guard let value = Int(offset), value >= 0 else { throw BoxError.badRequest("Invalid offset", code: "invalid_offset") }
            query.offset = value
        }
        query.useMarker = request.query("usemarker") == "true"
        query.marker = request.query("marker")
        if let sort = request.query("sort") {
            guard let order = ListingOrder(rawValue: sort) else { throw BoxError.badRequest("Invalid sort", code: "invalid_parameter") }
            query.order = order
        }
        if let direction = request.query("direction") {
            guard ["ASC", "DESC"].contains(direction.uppercased()) else { throw BoxError.badRequest("Invalid direction", code: "invalid_parameter") }
            query.ascending = direction.uppercased() == "ASC"
        }
        return query
    }
}
