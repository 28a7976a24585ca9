/// Hands out bearer tokens for Box API calls.
///
/// The ``BoxClient`` asks for a token before every request and reports a token the API refused with
/// `401`, then asks once more and retries. Implementations refresh or re-grant as their auth scheme
/// requires (JWT, client credentials, OAuth refresh); they must be safe to call concurrently, and should
/// coalesce concurrent refreshes so a burst of requests doesn't trigger a burst of token grants.
public protocol AccessTokenProvider: Sendable {
    /// Returns a token believed to be valid now, refreshing it first if needed.
    func accessToken() async throws -> String

    /// Tells the provider the API answered `401` for `token`.
    ///
    /// The next ``accessToken()`` should not return `token` again if the provider can get a new one.
    /// Reports for a token that was already replaced must be ignored, since several requests in flight
    /// can fail with the same stale token.
    func tokenRejected(_ token: String) async
}

/// A provider for a fixed token (a developer token, or the emulator's static tokens).
///
/// It can't refresh: after a `401` it keeps handing out the same token, so the client's single retry
/// fails too and the caller sees ``BoxAPIError/unauthorized``.
public struct StaticTokenProvider: AccessTokenProvider {
    /// The token sent on every request.
    public let token: String

    /// Creates a provider that always answers `token`.
    public init(token: String) {
        self.token = token
    }

    public func accessToken() async throws -> String { token }

    public func tokenRejected(_ token: String) async {}
}
