import Foundation

/// A JWT bearer assertion (RFC 7523) as a client sends it: compact JWS `header.claims.signature`, parsed but not yet
/// trusted. `TokenAuthority` checks the signature and the claims.
struct JWTAssertion {
    let algorithm: JWTAlgorithm
    let keyID: String?
    let claims: JWTClaims
    /// The bytes the signature covers: `base64url(header) "." base64url(claims)`.
    let signingInput: [UInt8]
    let signature: [UInt8]

    init(compact: String) throws(OAuthError) {
        let parts = compact.split(separator: ".", omittingEmptySubsequences: false)
        let decoder = JSONDecoder()
        guard parts.count == 3,
              let headerData = Base64URL.decode(parts[0]), let claimsData = Base64URL.decode(parts[1]),
              let signature = Base64URL.decode(parts[2]),
              let header = try? decoder.decode(Header.self, from: headerData),
              let claims = try? decoder.decode(JWTClaims.self, from: claimsData)
        else { throw OAuthError.invalidGrant("Invalid JWT assertion: not a JSON Web Signature") }
        guard let algorithm = JWTAlgorithm(rawValue: header.alg ?? "") else {
            throw OAuthError.invalidGrant("Please check the 'alg' header parameter. Should be RS256, RS384 or RS512")
        }
        self.algorithm = algorithm
        keyID = header.kid
        self.claims = claims
        signingInput = Array(parts[0].utf8) + [UInt8(ascii: ".")] + Array(parts[1].utf8)
        self.signature = Array(signature)
    }

    private struct Header: Decodable {
        var alg: String?
        var kid: String?
    }
}
