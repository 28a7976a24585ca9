import Foundation
import Hummingbird

/// The emulator's own endpoints under `/_emulator` (not counted in stats, not subject to faults):
/// - `GET /_emulator/stats`, `POST /_emulator/stats/reset`
/// - `GET|PUT /_emulator/faults` (PUT: any subset of the `FaultSettings` keys)
/// - `POST /_emulator/rate-limits/reset`: every user's rate windows start empty → 204
/// - `GET /_emulator/conformance`
/// - `POST /_emulator/users/{id}/tokens?ttl=S` → `{"access_token","expires_in","user_id"}`
/// - `PUT /_emulator/users/{id}/limits` with `{"space_amount": N, "max_upload_size": N}` (either) → 204
struct AdminRoutes {
    let services: EmulatorServices

    func register(on router: some RouterMethods<EmulatorRequestContext>) {
        registerLimits(on: router)
        router.get("/_emulator/stats") { _, _ in
            Response.json(services.stats.json())
        }
        router.post("/_emulator/stats/reset") { _, _ in
            services.stats.reset()
            return Response.json(services.stats.json())
        }
        router.get("/_emulator/faults") { _, _ in
            try Self.faultsResponse(services.faults.current)
        }
        router.put("/_emulator/faults") { request, _ in
            let patch = try await request.collectBody(limit: 1 << 16)
            let updated: FaultSettings
            do {
                updated = try services.faults.current.updated(with: patch)
            } catch let error as BoxError {
                throw error
            } catch {
                throw BoxError.badRequest("faults: \(error)")
            }
            services.faults.replace(with: updated, reseed: FaultSettings.patchNamesSeed(patch))
            return try Self.faultsResponse(updated)
        }
        router.post("/_emulator/rate-limits/reset") { _, _ in
            services.faults.resetRateWindows()
            return Response(status: .noContent)
        }
        router.get("/_emulator/conformance") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: .init(byteBuffer: ByteBuffer(bytes: services.conformance.reportJSON())))
        }
        router.post("/_emulator/users/{id}/tokens") { request, context in
            guard let id = context.parameters.get("id"), services.store.userExists(UserID(id)) else {
                throw BoxError.notFound("User not found")
            }
            let ttl = request.query("ttl").flatMap(TimeInterval.init)
            let token = services.authority.issueAccessToken(for: UserID(id), ttl: ttl)
            let lifetime = ttl ?? services.configuration.auth.accessTokenLifetime
            return Response.json(.object([
                ("access_token", .string(token)), ("expires_in", .int(Int64(lifetime))), ("user_id", .string(id)),
            ]), status: .created)
        }
    }

    /// Account limits a test can shrink to reach them (Box's own are set by the account's plan).
    private func registerLimits(on router: some RouterMethods<EmulatorRequestContext>) {
        router.put("/_emulator/users/{id}/limits") { request, context in
            guard let id = context.parameters.get("id"), services.store.userExists(UserID(id)) else {
                throw BoxError.notFound("User not found")
            }
            let limits = try await request.decode(as: AccountLimits.self, context: context)
            services.store.write { state in
                if let amount = limits.spaceAmount { state.users[UserID(id)]?.spaceAmount = amount }
                if let size = limits.maxUploadSize { state.users[UserID(id)]?.maxUploadSize = size }
            }
            return Response(status: .noContent)
        }
    }

    static func faultsResponse(_ settings: FaultSettings) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Response(status: .ok, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(settings))))
    }
}

/// The body of `PUT /_emulator/users/{id}/limits`.
private struct AccountLimits: Decodable {
    var spaceAmount: Int64?
    var maxUploadSize: Int64?

    enum CodingKeys: String, CodingKey {
        case spaceAmount = "space_amount"
        case maxUploadSize = "max_upload_size"
    }
}
