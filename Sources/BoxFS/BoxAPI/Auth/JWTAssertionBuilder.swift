import COpenSSL
import Foundation

/// Builds the signed assertion of Box's JWT grant: RS256 with the app's key id, a random `jti`, and an `exp`
/// 45 seconds ahead (Box refuses more than 60).
struct JWTAssertionBuilder: Sendable {
    let clientID: String
    let publicKeyID: String
    let privateKey: RSAPrivateKey
    let subject: TokenSubject
    /// The `aud` claim: the token URL, as a single string.
    let audience: String

    static let lifetime: TimeInterval = 45

    /// A compact JWS valid from `now` (the local clock, or the server's after a skew refusal).
    func assertion(now: Date) throws -> String {
        let header = Header(alg: "RS256", typ: "JWT", kid: publicKeyID)
        let claims = Claims(iss: clientID, sub: subject.id, boxSubType: subject.type, aud: audience,
                            jti: Self.randomJTI(), exp: Int((now + Self.lifetime).timeIntervalSince1970))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let signingInput = Base64URL.encode(try encoder.encode(header)) + "." + Base64URL.encode(try encoder.encode(claims))
        let signature = try privateKey.signSHA256(Array(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(Data(signature))
    }

    /// 64 hex characters from OpenSSL's CSPRNG (Box wants 16–128 unique characters).
    private static func randomJTI() -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        if RAND_bytes(&bytes, Int32(bytes.count)) != 1 {
            var generator = SystemRandomNumberGenerator()
            bytes = bytes.map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        }
        return bytes.map { String(format: "%02x", $0) }.joined()
    }

    private struct Header: Encodable {
        var alg: String
        var typ: String
        var kid: String
    }

    private struct Claims: Encodable {
        var iss: String
        var sub: String
        var boxSubType: String
        var aud: String
        var jti: String
        var exp: Int
        enum CodingKeys: String, CodingKey { case iss, sub, boxSubType = "box_sub_type", aud, jti, exp }
    }
}
