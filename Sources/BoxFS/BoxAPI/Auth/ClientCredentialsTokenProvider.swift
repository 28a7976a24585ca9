import AsyncHTTPClient
import Foundation
import Logging

/// Access tokens from Box's Client Credentials Grant (a server app's client id and secret), re-granted before they
/// expire. There is no refresh token: a new grant is simply requested.
public struct ClientCredentialsTokenProvider: AccessTokenProvider {
    private let refresher: TokenRefresher

    public init(tokenURL: URL, clientID: String, clientSecret: String, subject: TokenSubject, http: HTTPClient,
                logger: Logger)
    {
        let endpoint = TokenEndpoint(url: tokenURL, http: http, logger: logger)
        refresher = TokenRefresher(fetch: { _ in
            try await endpoint.grant([
                ("grant_type", "client_credentials"), ("client_id", clientID), ("client_secret", clientSecret),
                ("box_subject_type", subject.type), ("box_subject_id", subject.id),
            ])
        })
    }

    public func accessToken() async throws -> String { try await refresher.token() }

    public func tokenRejected(_ token: String) async { await refresher.reject(token) }
}
