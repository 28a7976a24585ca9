import Hummingbird

/// `GET /2.0/users`: the enterprise's managed users, for admins and service accounts (boxfs resolves
/// `as_user = <login>` to an id with it). `filter_term` matches the start of a name or login, case-insensitively,
/// as Box's does; ordinary users get Box's 403.
struct EnterpriseUserRoutes {
    let services: EmulatorServices

    func register(on router: some RouterMethods<EmulatorRequestContext>) {
        router.get("/2.0/users") { request, context in
            let caller = try context.user()
            let term = request.query("filter_term")?.lowercased() ?? ""
            let offset = max(Int(request.query("offset") ?? "") ?? 0, 0)
            let limit = min(max(Int(request.query("limit") ?? "") ?? 100, 1), 1000)
            let fields = FieldSelection.from(query: request.query("fields"), fallback: .standard)
            return Response.json(try services.store.read { state in
                guard try state.user(caller).role.mayActAsOthers else { throw BoxError.forbidden() }
                let matching = state.users.values
                    .filter { $0.role != .serviceAccount }
                    .filter { term.isEmpty || $0.login.lowercased().hasPrefix(term) || $0.name.lowercased().hasPrefix(term) }
                    .sorted { $0.id.rawValue < $1.id.rawValue }
                let page = try matching.dropFirst(offset).prefix(limit).map { try UserRepresentation.render($0, state: state, fields) }
                return .object([
                    ("total_count", .int(Int64(matching.count))), ("limit", .int(Int64(limit))),
                    ("offset", .int(Int64(offset))), ("entries", .array(page)),
                ])
            })
        }
    }
}
