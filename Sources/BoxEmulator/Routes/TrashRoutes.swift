import Hummingbird

/// The trash: `GET /2.0/folders/trash/items`, `GET|DELETE /2.0/{files,folders}/{id}/trash` and restore with
/// `POST /2.0/{files,folders}/{id}`.
struct TrashRoutes {
    let services: EmulatorServices

    func register(on router: some RouterMethods<EmulatorRequestContext>) {
        let store = services.store
        router.get("/2.0/folders/trash/items") { request, context in
            let user = try context.user()
            let query = try FolderRoutes.listingQuery(request)
            return Response.json(store.read { state in
                let trashed = state.trashedItems(of: user)
                let limit = min(max(query.limit, 1), ListingQuery.maxLimit)
                let start = min(query.offset, trashed.count)
                let page = trashed[start..<min(trashed.count, start + limit)]
                return .object([
                    ("total_count", .int(Int64(trashed.count))), ("entries", .array(page.map { state.render($0, query.fields) })),
                    ("offset", .int(Int64(start))), ("limit", .int(Int64(limit))),
                ])
            })
        }
        for (kind, collection) in [(ItemKind.file, "files"), (.folder, "folders")] {
            router.get("/2.0/\(collection)/{id}/trash") { request, context in
                let user = try context.user()
                let fields = FieldSelection.from(query: request.query("fields"), fallback: .standard)
                return Response.json(try store.read { state in
                    state.render(try state.resolveTrashed(try request.idParameter(context), kind: kind, for: user), fields)
                })
            }
            router.delete("/2.0/\(collection)/{id}/trash") { request, context in
                let user = try context.user()
                let id = try request.idParameter(context)
                try store.write { try $0.purge(kind, id, by: user) }
                return Response.empty(.noContent)
            }
            router.post("/2.0/\(collection)/{id}") { request, context in
                let user = try context.user()
                let id = try request.idParameter(context)
                let body = try await request.collectBody(limit: 1 << 16)
                let json = body.isEmpty ? JSONValue.object([]) : (JSONValue.parse(body) ?? .object([]))
                let fields = FieldSelection.from(query: request.query("fields"), fallback: .standard)
                let now = services.now
                return Response.json(try store.write { state in
                    state.render(try state.restore(kind, id, name: json["name"]?.stringValue, parentWireID: json["parent"]?.idMember, by: user, at: now), fields)
                }, status: .created)
            }
        }
    }
}
