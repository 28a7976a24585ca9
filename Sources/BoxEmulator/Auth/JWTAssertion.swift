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

/// The claims Box reads. Each is decoded on its own so a claim of the wrong type (an `aud` array, a string `exp`)
/// reads as absent and is refused with a message naming that claim, as Box does.
struct JWTClaims: Decodable {
    var iss: String?
    var sub: String?
    var boxSubType: String?
    var aud: String?
    var jti: String?
    var exp: Date?
    var iat: Date?

    enum CodingKeys: String, CodingKey {
        case iss, sub, boxSubType = "box_sub_type", aud, jti, exp, iat
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func string(_ key: CodingKeys) -> String? { try? container.decode(String.self, forKey: key) }
        func date(_ key: CodingKeys) -> Date? {
            (try? container.decode(Double.self, forKey: key)).map(Date.init(timeIntervalSince1970:))
        }
        iss = string(.iss)
        sub = string(.sub)
        boxSubType = string(.boxSubType)
        aud = string(.aud)
        jti = string(.jti)
        exp = date(.exp)
        iat = date(.iat)
    }
}

/// Base64url without padding (RFC 4648 §5), as JWS uses it.
enum Base64URL {
    static func decode<S: StringProtocol>(_ text: S) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !base64.contains("=") else { return nil }
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
