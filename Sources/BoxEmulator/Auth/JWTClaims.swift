import Foundation

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
