import Foundation

/// Issues and checks the emulator's access tokens: Box's OAuth 2.0 grants (authorization code, refresh token,
/// client credentials, JWT bearer), revocation, and bearer-token authentication for the API.
///
/// `@unchecked Sendable`: all mutable state is the ledger (and the accepted audiences) behind `lock`. A lock rather
/// than an actor because every critical section is short and synchronous, and `authenticate(bearerToken:)` is called
/// on every API request where an actor hop would buy nothing.
public final class TokenAuthority: @unchecked Sendable {
    let configuration: AuthConfiguration
    let users: UserDirectory
    let now: @Sendable () -> Date
    let lock = NSLock()
    var ledger = TokenLedger()
    var audiences: Set<String>

    /// - Parameters:
    ///   - clock: the emulator's notion of "now"; tests move it to expire tokens or skew it against a client.
    public init(configuration: AuthConfiguration, users: UserDirectory,
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.configuration = configuration
        self.users = users
        self.now = clock
        self.audiences = configuration.audiences
    }

    /// Registers an access token that never expires (the `--token T` of the CLI, a developer token).
    public func registerStaticToken(_ token: String, for user: UserID) {
        lock.withLock { ledger.addAccessToken(token, .init(user: user, expiresAt: nil, session: nil)) }
    }

    /// Accepts `url` as a JWT `aud` claim, e.g. the token URL under a public base URL served through a TLS proxy.
    public func acceptAudience(_ url: String) {
        lock.withLock { _ = audiences.insert(url) }
    }

    /// The user a bearer token acts for (before any `As-User` switch, which the API layer applies).
    public func authenticate(bearerToken: String?) -> Result<UserID, TokenRejection> {
        guard let bearerToken, !bearerToken.isEmpty else { return .failure(.missing) }
        let now = now()
        return lock.withLock {
            guard let grant = ledger.accessGrant(for: bearerToken) else { return .failure(.unknown) }
            if grant.revoked { return .failure(.revoked) }
            if let expiry = grant.expiresAt, expiry <= now { return .failure(.expired) }
            return .success(grant.user)
        }
    }

    /// Issues an access token with the configured lifetime (or `ttl`), e.g. for the admin endpoint.
    public func issueAccessToken(for user: UserID, ttl: TimeInterval? = nil) -> String {
        lock.withLock { issueAccess(for: user, ttl: ttl ?? configuration.accessTokenLifetime, session: nil) }
    }

    /// Issues a single-use authorization code (valid 30 s) as if `user` had approved app `clientID` in the browser.
    /// Tests and the admin endpoint use it in place of the interactive authorize page.
    public func issueAuthorizationCode(for user: UserID, clientID: String) throws -> String {
        guard configuration.apps[clientID] != nil else { throw AuthorizationCodeError.unknownClient(clientID) }
        guard users.userExists(user) else { throw AuthorizationCodeError.unknownUser(user) }
        let code = Self.randomToken()
        let expiry = now() + configuration.authorizationCodeLifetime
        lock.withLock { ledger.addCode(code, .init(user: user, clientID: clientID, expiresAt: expiry)) }
        return code
    }

    /// `POST /oauth2/token`: `form` is the parsed form-urlencoded body; `basicCredentials` the HTTP Basic client
    /// id and secret if the client sent them that way (Go's x/oauth2 does).
    public func token(form: [String: String], basicCredentials: (id: String, secret: String)?) -> OAuthResponse {
        do throws(OAuthError) {
            let app = try authenticateClient(form: form, basicCredentials: basicCredentials)
            switch form["grant_type"] {
            case "authorization_code": return try exchangeAuthorizationCode(form: form, app: app).response
            case "refresh_token": return try refresh(form: form, app: app).response
            case "client_credentials": return try clientCredentials(form: form, app: app).response
            case "urn:ietf:params:oauth:grant-type:jwt-bearer": return try jwtBearer(form: form, app: app).response
            case nil:
                throw OAuthError(code: .invalidRequest, description: "Invalid grant_type parameter or parameter missing")
            case let other?:
                throw OAuthError(code: .unsupportedGrantType, description: "Unsupported grant_type '\(other)'")
            }
        } catch {
            return error.response
        }
    }

    /// `POST /oauth2/revoke`: revokes an access or refresh token (and the OAuth session it belongs to). Like Box,
    /// answers 200 with an empty body, also for tokens it doesn't know (RFC 7009).
    public func revoke(form: [String: String], basicCredentials: (id: String, secret: String)?) -> OAuthResponse {
        do throws(OAuthError) {
            _ = try authenticateClient(form: form, basicCredentials: basicCredentials)
            guard let token = form["token"], !token.isEmpty else {
                throw OAuthError(code: .invalidRequest, description: "Missing token parameter")
            }
            lock.withLock { ledger.revoke(token) }
            return OAuthResponse(status: 200, json: Data())
        } catch {
            return error.response
        }
    }

    /// The registered app the request's client credentials (form fields, else HTTP Basic) belong to.
    private func authenticateClient(form: [String: String],
                                    basicCredentials: (id: String, secret: String)?) throws(OAuthError) -> RegisteredApp {
        let id = form["client_id"] ?? basicCredentials?.id
        let secret = form["client_secret"] ?? basicCredentials?.secret
        guard let id, let secret, let app = configuration.apps[id], app.clientSecret == secret else {
            throw .invalidClient
        }
        return app
    }

    /// Issues an access token. Call with `lock` held.
    func issueAccess(for user: UserID, ttl: TimeInterval, session: TokenLedger.SessionID?) -> String {
        let now = now()
        ledger.prune(now: now)
        let token = Self.randomToken()
        ledger.addAccessToken(token, .init(user: user, expiresAt: now + ttl, session: session))
        return token
    }

    /// 32 random alphanumerics, the shape of Box's tokens.
    static func randomToken() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0 ..< 32).map { _ in alphabet.randomElement(using: &generator)! })
    }
}

/// Why `TokenAuthority.issueAuthorizationCode(for:clientID:)` refused.
public enum AuthorizationCodeError: Error, Equatable {
    case unknownClient(String)
    case unknownUser(UserID)
}
