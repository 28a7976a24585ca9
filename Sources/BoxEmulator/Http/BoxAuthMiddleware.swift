import Hummingbird

/// Resolves the bearer token (and `As-User`) of API requests into the acting user.
///
/// `As-User` is honoured only for tokens of admins and service accounts; other users get 403, an unknown
/// user id 404 (`On-Behalf-Of User not found`), and a service account can't be impersonated.
struct BoxAuthMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext
    let authority: TokenAuthority
    let store: BoxStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let token = Self.bearerToken(in: request)
        let tokenUser: UserID
        switch authority.authenticate(bearerToken: token) {
        case let .success(user): tokenUser = user
        case let .failure(rejection): throw BoxError.unauthorized(rejection)
        }
        context.tokenUser = tokenUser
        context.actingUser = try actingUser(for: tokenUser, asUser: request.headers[.asUser])
        return try await next(request, context)
    }

    /// The token of `Authorization: Bearer <token>` (scheme case-insensitive).
    static func bearerToken(in request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1]).trimmingCharacters(in: .whitespaces)
    }

    private func actingUser(for tokenUser: UserID, asUser: String?) throws -> UserID {
        guard let asUser = asUser?.trimmingCharacters(in: .whitespaces), !asUser.isEmpty else { return tokenUser }
        return try store.read { state in
            let target = UserID(asUser)
            guard let targetUser = state.users[target] else {
                throw BoxError(.notFound, "not_found", "On-Behalf-Of User not found",
                               contextInfo: .object([("invalid_user_id", .object([("id", .string(asUser))]))]))
            }
            guard try state.user(tokenUser).role.mayActAsOthers else { throw BoxError.forbidden() }
            if targetUser.role == .serviceAccount && target != tokenUser {
                throw BoxError.forbidden("access_denied_insufficient_permissions", "Cannot act as a service account")
            }
            return target
        }
    }
}
