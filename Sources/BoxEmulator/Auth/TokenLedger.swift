import Foundation

/// Every token the emulator has issued and what each is good for.
///
/// A plain value with no locking of its own: `TokenAuthority` mutates it under its lock, so each check-and-spend
/// (a refresh token, an authorization code, a JWT `jti`) is atomic.
struct TokenLedger {
    /// One OAuth login: the chain of access/refresh pairs that started with an authorization code. Revoking any
    /// token of a session logs the whole session out.
    typealias SessionID = Int

    struct AccessGrant {
        var user: UserID
        /// Nil for static tokens (`--token`), which never expire.
        var expiresAt: Date?
        var session: SessionID?
        var revoked = false
    }

    struct RefreshGrant {
        var user: UserID
        var clientID: String
        var expiresAt: Date
        var session: SessionID
    }

    struct CodeGrant {
        var user: UserID
        var clientID: String
        var expiresAt: Date
    }

    private var accessTokens: [String: AccessGrant] = [:]
    private var refreshTokens: [String: RefreshGrant] = [:]
    private var codes: [String: CodeGrant] = [:]
    /// Spent assertion ids with the assertion's `exp`: after that the assertion is refused anyway, so it can go.
    private var spentJTIs: [String: Date] = [:]
    private var nextSession: SessionID = 1

    func accessGrant(for token: String) -> AccessGrant? { accessTokens[token] }

    mutating func addAccessToken(_ token: String, _ grant: AccessGrant) { accessTokens[token] = grant }

    mutating func addRefreshToken(_ token: String, _ grant: RefreshGrant) { refreshTokens[token] = grant }

    mutating func addCode(_ code: String, _ grant: CodeGrant) { codes[code] = grant }

    mutating func newSession() -> SessionID {
        defer { nextSession += 1 }
        return nextSession
    }

    /// Removes and returns a refresh token's grant: refresh tokens are single-use. Another client's attempt
    /// leaves the token alone, so it can't spend a token that isn't its own.
    mutating func spendRefreshToken(_ token: String, clientID: String) -> RefreshGrant? {
        guard refreshTokens[token]?.clientID == clientID else { return nil }
        return refreshTokens.removeValue(forKey: token)
    }

    /// Removes and returns an authorization code's grant (single-use), if it was issued to `clientID`.
    mutating func spendCode(_ code: String, clientID: String) -> CodeGrant? {
        guard codes[code]?.clientID == clientID else { return nil }
        return codes.removeValue(forKey: code)
    }

    /// Records an assertion id; false if it was already used.
    mutating func spendJTI(_ jti: String, expiringAt expiry: Date) -> Bool {
        guard spentJTIs[jti] == nil else { return false }
        spentJTIs[jti] = expiry
        return true
    }

    /// Revokes an access or refresh token; for tokens of an OAuth session, the whole session.
    mutating func revoke(_ token: String) {
        let session = accessTokens[token]?.session ?? refreshTokens[token]?.session
        accessTokens[token]?.revoked = true
        refreshTokens[token] = nil
        guard let session else { return }
        for (key, grant) in accessTokens where grant.session == session { accessTokens[key]?.revoked = true }
        refreshTokens = refreshTokens.filter { $0.value.session != session }
    }

    /// Forgets what can no longer be used. Expired access tokens are kept for `expiredGrace` so clients still
    /// hear "expired" (not "unknown") for a while, which is what tells them to refresh.
    mutating func prune(now: Date, expiredGrace: TimeInterval = 3600) {
        accessTokens = accessTokens.filter { ($0.value.expiresAt ?? .distantFuture) > now - expiredGrace }
        refreshTokens = refreshTokens.filter { $0.value.expiresAt > now }
        codes = codes.filter { $0.value.expiresAt > now }
        spentJTIs = spentJTIs.filter { $0.value > now }
    }
}
