import Hummingbird

/// `GET /2.0/users/me`: the acting user, with quota figures kept true as content changes.
struct UserRoutes {
    let services: EmulatorServices

    func register(on router: some RouterMethods<EmulatorRequestContext>) {
        router.get("/2.0/users/me") { request, context in
            let user = try context.user()
            let fields = FieldSelection.from(query: request.query("fields"), fallback: .standard)
            return Response.json(try services.store.read { try UserRepresentation.render(try $0.user(user), state: $0, fields) })
        }
    }
}

/// Box's User object.
enum UserRepresentation {
    static let standardFields = [
        "type", "id", "name", "login", "created_at", "modified_at", "language", "timezone", "space_amount",
        "space_used", "max_upload_size", "status", "job_title", "phone", "address", "avatar_url", "notification_email",
    ]

    static func render(_ user: EmulatedUser, state: StoreState, _ selection: FieldSelection) throws -> JSONValue {
        let names: [String]
        switch selection {
        case .mini: names = ["type", "id", "name", "login"]
        case .standard: names = standardFields
        case let .custom(requested): names = ["type", "id"] + requested.filter { $0 != "type" && $0 != "id" }
        }
        return .object(names.compactMap { name in value(name, of: user, state: state).map { (name, $0) } })
    }

    private static func value(_ name: String, of user: EmulatedUser, state: StoreState) -> JSONValue? {
        switch name {
        case "type": return "user"
        case "id": return .string(user.id.rawValue)
        case "name": return .string(user.name)
        case "login": return .string(user.login)
        case "created_at", "modified_at": return .string(BoxDate.format(user.createdAt))
        case "language": return "en"
        case "timezone": return "America/Los_Angeles"
        case "space_amount": return .int(user.spaceAmount)
        case "space_used": return .int(state.spaceUsed(by: user.id))
        case "max_upload_size": return .int(user.maxUploadSize)
        case "status": return "active"
        case "job_title", "phone", "address": return ""
        case "avatar_url": return .string("https://app.box.com/api/avatar/large/\(user.id.rawValue)")
        case "notification_email": return .null
        case "role": return .string(user.role == .admin ? "admin" : "user")
        case "enterprise":
            return .object([("type", "enterprise"), ("id", .string(state.enterpriseID)), ("name", "Emulated Enterprise")])
        case "is_platform_access_only": return false
        default: return nil
        }
    }
}
