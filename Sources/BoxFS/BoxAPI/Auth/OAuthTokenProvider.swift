import AsyncHTTPClient
import Foundation
import Logging

/// Access tokens from an OAuth 2.0 login, renewed with Box's rotating single-use refresh tokens.
///
/// Each refresh spends the stored refresh token; the new pair is written to the token store before the new access
/// token is used, and concurrent callers share one refresh.
public struct OAuthTokenProvider: AccessTokenProvider {
    private let refresher: TokenRefresher

    /// Loads the login from `store` (see `refresh_token_file`).
    ///
    /// - Throws: ``AuthError`` if the store is unreadable, malformed, or readable by others.
    public init(tokenURL: URL, clientID: String, clientSecret: String, store: URL, http: HTTPClient, logger: Logger)
        throws
    {
        let store = OAuthTokenStore(url: store)
        let endpoint = TokenEndpoint(url: tokenURL, http: http, logger: logger)
        refresher = TokenRefresher(initial: try store.load(), fetch: { previous in
            guard let refreshToken = previous?.refreshToken else {
                throw AuthError.invalidFile(path: store.url.path, problem: "holds no refresh token")
            }
            let token = try await endpoint.grant([
                ("grant_type", "refresh_token"), ("refresh_token", refreshToken),
                ("client_id", clientID), ("client_secret", clientSecret),
            ])
            guard token.refreshToken != nil else {
                throw AuthError.tokenEndpointFailed("the refresh answer carried no new refresh token")
            }
            logger.debug("refreshed the OAuth access token")
            return token
        }, persist: store.save)
    }

    public func accessToken() async throws -> String { try await refresher.token() }

    public func tokenRejected(_ token: String) async { await refresher.reject(token) }
}
