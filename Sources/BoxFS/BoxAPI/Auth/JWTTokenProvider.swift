import AsyncHTTPClient
import Foundation
import Logging

/// Access tokens from Box's JWT server authentication: a fresh signed assertion per grant, no refresh token.
public struct JWTTokenProvider: AccessTokenProvider {
    private let refresher: TokenRefresher

    public init(tokenURL: URL, app: JWTAppCredentials, subject: TokenSubject, http: HTTPClient, logger: Logger) {
        self.init(tokenURL: tokenURL, app: app, subject: subject, http: http, logger: logger, clock: { Date() })
    }

    /// - Parameter clock: the local clock assertions are dated by; tests skew it against the server's.
    init(tokenURL: URL, app: JWTAppCredentials, subject: TokenSubject, http: HTTPClient, logger: Logger,
         clock: @escaping @Sendable () -> Date) {
        let endpoint = TokenEndpoint(url: tokenURL, http: http, logger: logger)
        let builder = JWTAssertionBuilder(clientID: app.clientID, publicKeyID: app.publicKeyID,
                                          privateKey: app.privateKey, subject: subject,
                                          audience: tokenURL.absoluteString)
        let form = { (assertion: String) in
            [("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", assertion),
             ("client_id", app.clientID), ("client_secret", app.clientSecret)]
        }
        refresher = TokenRefresher(fetch: { _ in
            switch try await endpoint.post(form(try builder.assertion(now: clock()))) {
            case let .granted(token):
                return token
            case let .refused(error, description, serverDate):
                // A refused `exp` means our clock and Box's disagree: retry once on the server's clock.
                guard error == "invalid_grant", description.contains("'exp'"), let serverDate else {
                    throw AuthError.grantRefused(error: error, description: description)
                }
                logger.warning("JWT assertion refused for its expiry; retrying with the server's clock",
                               metadata: ["skew_seconds": "\(Int(serverDate.timeIntervalSince(clock())))"])
                return try await endpoint.grant(form(try builder.assertion(now: serverDate)))
            }
        })
    }

    public func accessToken() async throws -> String { try await refresher.token() }

    public func tokenRejected(_ token: String) async { await refresher.reject(token) }
}
