import Hummingbird
import NIOCore

/// Per-request state: the Box request id, the connection (so faults can drop it) and the acting user once
/// the API's auth middleware has resolved the token and any `As-User` header.
struct EmulatorRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel
    /// Box puts a request id in every error body; the same id goes into the `box-request-id` header.
    let requestID: String
    /// Set by `BoxAuthMiddleware` for API routes.
    var actingUser: UserID?
    /// The user the token belongs to (differs from `actingUser` under `As-User`).
    var tokenUser: UserID?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
        requestID = String(UInt64.random(in: 0...UInt64.max), radix: 16)
    }

    /// Upload bodies (multipart simple uploads) can be large; the routes stream what they can and cap the rest.
    var maxUploadSize: Int { 512 * 1024 * 1024 }

    /// The acting user; the auth middleware guarantees it on API routes.
    func user() throws -> UserID {
        guard let actingUser else { throw BoxError.unauthorized(.missing) }
        return actingUser
    }
}
