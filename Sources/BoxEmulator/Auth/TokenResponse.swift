import Foundation

/// The body of a successful `POST /oauth2/token` (Box's `AccessToken` schema).
struct TokenResponse: Encodable {
    var accessToken: String
    var expiresIn: Int
    var tokenType = "bearer"
    var restrictedTo: [String] = []
    /// Only the authorization-code and refresh grants return one; JWT and CCG clients mint a new assertion instead.
    var refreshToken: String?
    var issuedTokenType: String?

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token", expiresIn = "expires_in", tokenType = "token_type"
        case restrictedTo = "restricted_to", refreshToken = "refresh_token", issuedTokenType = "issued_token_type"
    }

    var response: OAuthResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // Strings, an Int and an empty array always encode.
        return OAuthResponse(status: 200, json: (try? encoder.encode(self)) ?? Data())
    }
}
