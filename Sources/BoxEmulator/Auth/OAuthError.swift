import Foundation

/// A refusal from Box's OAuth endpoints: `400 {"error":"invalid_grant","error_description":"..."}`.
/// The descriptions follow Box's wording where it is known, because clients match on them (e.g. SDKs retry a
/// JWT assertion with the server's clock when the description mentions `exp`).
struct OAuthError: Error, Equatable {
    enum Code: String {
        case invalidRequest = "invalid_request"
        case invalidClient = "invalid_client"
        case invalidGrant = "invalid_grant"
        case unsupportedGrantType = "unsupported_grant_type"
    }

    var code: Code
    var description: String

    static func invalidGrant(_ description: String) -> OAuthError {
        OAuthError(code: .invalidGrant, description: description)
    }

    static let invalidClient = OAuthError(code: .invalidClient, description: "The client credentials are invalid")

    var response: OAuthResponse {
        let body = ["error": code.rawValue, "error_description": description]
        // Encoding a [String: String] cannot fail.
        let json = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        return OAuthResponse(status: 400, json: json)
    }
}
