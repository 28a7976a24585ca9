import Foundation

/// Issues and checks the emulator's access tokens.
///
/// SKELETON (owned by the auth engineer): static tokens work; the OAuth grants are filled in behind this interface.
public final class TokenAuthority: @unchecked Sendable {
    private let configuration: AuthConfiguration
    private let users: UserDirectory
    private let lock = NSLock()
    private var staticTokens: [String: UserID] = [:]

    public init(configuration: AuthConfiguration, users: UserDirectory) {
        self.configuration = configuration
        self.users = users
    }

    /// Registers an access token that never expires (the `--token T` of the CLI).
    public func registerStaticToken(_ token: String, for user: UserID) {
        lock.withLock { staticTokens[token] = user }
    }

    /// The user a bearer token acts for (before any `As-User` switch, which the API layer applies).
    public func authenticate(bearerToken: String?) -> Result<UserID, TokenRejection> {
        guard let bearerToken, !bearerToken.isEmpty else { return .failure(.missing) }
        return lock.withLock { staticTokens[bearerToken].map { .success($0) } ?? .failure(.unknown) }
    }

    /// Issues an access token with the configured lifetime (or `ttl`), e.g. for the admin endpoint.
    public func issueAccessToken(for user: UserID, ttl: TimeInterval? = nil) -> String {
        let token = UUID().uuidString.replacingOccurrences(of: "-", with: "")
        registerStaticToken(token, for: user)
        return token
    }

    /// `POST /oauth2/token`: `form` is the parsed form-urlencoded body; `basicCredentials` the HTTP Basic client
    /// id and secret if the client sent them that way (Go's x/oauth2 does).
    public func token(form: [String: String], basicCredentials: (id: String, secret: String)?) -> OAuthResponse {
        OAuthResponse(status: 400, json: Data(#"{"error":"unsupported_grant_type","error_description":"not yet"}"#.utf8))
    }

    /// `POST /oauth2/revoke`.
    public func revoke(form: [String: String], basicCredentials: (id: String, secret: String)?) -> OAuthResponse {
        OAuthResponse(status: 200, json: Data())
    }
}

/// How the emulator issues tokens: lifetimes and the registered apps.
public struct AuthConfiguration: Sendable {
    /// Lifetime of issued access tokens (Box: 60 minutes).
    public var accessTokenLifetime: TimeInterval
    public init(accessTokenLifetime: TimeInterval = 3600) {
        self.accessTokenLifetime = accessTokenLifetime
    }
}
