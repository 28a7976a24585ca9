import Foundation

/// An access token from the token endpoint, when it stops being usable, and (OAuth only) the refresh token that
/// replaces it.
struct GrantedToken: Sendable, Equatable {
    var accessToken: String
    var expiresAt: Date
    /// Set only by the authorization-code and refresh grants. Single-use: spending it invalidates it.
    var refreshToken: String?
    /// How long the token was granted for; the refresh margin is a fraction of it.
    var lifetime: TimeInterval

    /// Whether the token should be replaced before use: it expires within a quarter of its lifetime (at most two
    /// minutes), so requests in flight don't meet the expiry and there is time to refresh.
    func needsRefresh(at now: Date) -> Bool {
        let margin = min(120, lifetime / 4)
        return now >= expiresAt - margin
    }
}
