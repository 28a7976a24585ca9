import Foundation

/// The file holding an OAuth login: the refresh token and the current access token, rewritten on every refresh.
///
/// Written atomically (temporary file, fsync, rename, fsync of the directory) with mode 0600: a refresh token is
/// single-use, so a torn or lost write after a refresh locks the user out until they log in again.
/// The file may also hold just a refresh token on one line, which is how a user seeds it by hand.
struct OAuthTokenStore: Sendable {
    let url: URL

    /// The stored login. Refuses a file that group or others can read.
    func load() throws -> GrantedToken {
        let data = try SecretFile.read(url)
        if let stored = try? JSONDecoder().decode(Stored.self, from: data) {
            let expiry = Date(timeIntervalSince1970: stored.expiresAt ?? 0)
            return GrantedToken(accessToken: stored.accessToken ?? "", expiresAt: expiry,
                                refreshToken: stored.refreshToken, lifetime: stored.lifetime ?? 0)
        }
        let plain = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !plain.isEmpty, !plain.contains(where: \.isWhitespace), !plain.hasPrefix("{") else {
            throw AuthError.invalidFile(path: url.path,
                                        problem: "expected a refresh token or the JSON boxfs writes there")
        }
        return GrantedToken(accessToken: "", expiresAt: .distantPast, refreshToken: plain, lifetime: 0)
    }

    /// Replaces the file with `token`, durably, before the caller uses it.
    func save(_ token: GrantedToken) throws {
        let stored = Stored(refreshToken: token.refreshToken, accessToken: token.accessToken,
                            expiresAt: token.expiresAt.timeIntervalSince1970, lifetime: token.lifetime)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        do {
            try AtomicFile.write(try encoder.encode(stored), to: url, mode: 0o600)
        } catch let error as AtomicFile.Failure {
            throw AuthError.tokenStoreWriteFailed(path: url.path, reason: error.reason)
        }
    }

    private struct Stored: Codable {
        var refreshToken: String?
        var accessToken: String?
        var expiresAt: Double?
        var lifetime: Double?
        enum CodingKeys: String, CodingKey {
            case refreshToken = "refresh_token", accessToken = "access_token", expiresAt = "expires_at", lifetime
        }
    }
}
