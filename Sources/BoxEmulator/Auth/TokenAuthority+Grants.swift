import Foundation

// The four grants of `POST /oauth2/token`, each after the client's credentials were checked.
extension TokenAuthority {
    /// `grant_type=authorization_code`: a single-use code for this client → an access/refresh pair.
    func exchangeAuthorizationCode(form: [String: String], app: RegisteredApp) throws(OAuthError) -> TokenResponse {
        let now = now()
        let issued = lock.withLock { () -> TokenResponse? in
            guard let code = form["code"], let grant = ledger.spendCode(code, clientID: app.clientID),
                  grant.expiresAt > now
            else { return nil }
            return issuePair(for: grant.user, clientID: app.clientID, session: ledger.newSession())
        }
        guard let issued else { throw .invalidGrant("Auth code doesn't exist or is invalid for the client") }
        return issued
    }

    /// `grant_type=refresh_token`: spends the refresh token (single use) and rotates to a new pair in the same
    /// session. A token already spent is refused, which is how a client that lost the rotated one finds out.
    func refresh(form: [String: String], app: RegisteredApp) throws(OAuthError) -> TokenResponse {
        let now = now()
        let issued = lock.withLock { () -> TokenResponse? in
            guard let token = form["refresh_token"],
                  let grant = ledger.spendRefreshToken(token, clientID: app.clientID), grant.expiresAt > now
            else { return nil }
            return issuePair(for: grant.user, clientID: app.clientID, session: grant.session)
        }
        guard let issued else { throw .invalidGrant("Invalid refresh token") }
        return issued
    }

    /// `grant_type=client_credentials` with `box_subject_type` enterprise (the app's service account) or user.
    func clientCredentials(form: [String: String], app: RegisteredApp) throws(OAuthError) -> TokenResponse {
        guard let subjectID = form["box_subject_id"],
              let user = subject(type: form["box_subject_type"], id: subjectID, app: app)
        else { throw .invalidGrant("Grant credentials are invalid") }
        return issueWithoutRefresh(for: user)
    }

    /// `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`: a signed assertion → an access token.
    func jwtBearer(form: [String: String], app: RegisteredApp) throws(OAuthError) -> TokenResponse {
        let assertion = try JWTAssertion(compact: form["assertion"] ?? "")
        let claims = assertion.claims
        guard claims.iss == app.clientID else { throw .invalidGrant("Please check the 'iss' claim.") }
        try verifySignature(of: assertion, app: app)
        guard let audience = claims.aud else { throw .invalidGrant("Please check the 'aud' claim. Should be a string") }
        let now = now()
        guard isAccepted(audience: audience) else { throw .invalidGrant("Please check the 'aud' claim.") }
        guard let expiry = claims.exp else { throw .invalidGrant("Please check the 'exp' claim.") }
        guard expiry > now else {
            throw .invalidGrant("Current date/time MUST be before the expiration date/time listed in the 'exp' claim")
        }
        guard expiry.timeIntervalSince(claims.iat ?? now) <= 60 else {
            throw .invalidGrant(
                "Please check the 'exp' claim. The 'exp' value exceeds the maximum value of 60 seconds beyond the issue time.")
        }
        guard let jti = claims.jti, (16 ... 128).contains(jti.count) else {
            throw .invalidGrant("Please check the 'jti' claim.")
        }
        guard lock.withLock({ ledger.spendJTI(jti, expiringAt: expiry) }) else {
            throw .invalidGrant("Please check the 'jti' claim. A unique 'jti' value is required.")
        }
        guard let subjectID = claims.sub,
              let user = subject(type: claims.boxSubType, id: subjectID, app: app)
        else { throw .invalidGrant("Please check the 'sub' and 'box_sub_type' claims.") }
        return issueWithoutRefresh(for: user)
    }

    /// A configured audience, or a loopback token URL: the emulator listens only on loopback, so such a URL can
    /// only be its own (whatever port it was given), and clients can be pointed at it without registering the port.
    private func isAccepted(audience: String) -> Bool {
        if lock.withLock({ audiences.contains(audience) }) { return true }
        guard let url = URL(string: audience), url.scheme == "http" || url.scheme == "https",
              ["127.0.0.1", "localhost", "[::1]", "::1"].contains(url.host ?? "")
        else { return false }
        return url.path == "/oauth2/token" || url.path == "/api/oauth2/token"
    }

    /// Picks the key by `kid` (required only when the app has several) and checks the RSA signature.
    private func verifySignature(of assertion: JWTAssertion, app: RegisteredApp) throws(OAuthError) {
        let key: RSAPublicKey?
        if let keyID = assertion.keyID {
            key = app.publicKeys[keyID]
        } else {
            key = app.publicKeys.count == 1 ? app.publicKeys.first?.value : nil
        }
        guard let key else { throw .invalidGrant("Please check the 'kid' header parameter.") }
        guard key.verify(signature: assertion.signature, of: assertion.signingInput, digest: assertion.algorithm) else {
            throw .invalidGrant("Signature verification error. The public key identified by 'kid' must correspond "
                + "to the private key used for signing.")
        }
    }

    /// The user a JWT/CCG subject names: the app enterprise's service account, or an existing user.
    private func subject(type: String?, id: String, app: RegisteredApp) -> UserID? {
        switch type {
        case "enterprise":
            guard id == app.enterpriseID else { return nil }
            return users.serviceAccount(enterpriseID: id)
        case "user":
            let user = UserID(id)
            return users.userExists(user) ? user : nil
        default:
            return nil
        }
    }

    /// An access/refresh pair, as the authorization-code and refresh grants return. Call with `lock` held.
    private func issuePair(for user: UserID, clientID: String, session: TokenLedger.SessionID) -> TokenResponse {
        let ttl = configuration.accessTokenLifetime
        let access = issueAccess(for: user, ttl: ttl, session: session)
        let refresh = Self.randomToken()
        let expiry = now() + configuration.refreshTokenLifetime
        ledger.addRefreshToken(refresh, .init(user: user, clientID: clientID, expiresAt: expiry, session: session))
        return TokenResponse(accessToken: access, expiresIn: Self.seconds(ttl), refreshToken: refresh,
                             issuedTokenType: "urn:ietf:params:oauth:token-type:access_token")
    }

    /// An access token alone, as JWT and CCG return (clients mint a new assertion rather than refresh).
    private func issueWithoutRefresh(for user: UserID) -> TokenResponse {
        let ttl = configuration.accessTokenLifetime
        let access = lock.withLock { issueAccess(for: user, ttl: ttl, session: nil) }
        return TokenResponse(accessToken: access, expiresIn: Self.seconds(ttl))
    }

    /// `expires_in` is whole seconds; round up so a 0.5 s test lifetime doesn't read as "already expired".
    private static func seconds(_ ttl: TimeInterval) -> Int { Int(ttl.rounded(.up)) }
}
