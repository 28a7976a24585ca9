import COpenSSL

/// The JWS algorithms Box accepts for assertions.
enum JWTAlgorithm: String {
    case rs256 = "RS256"
    case rs384 = "RS384"
    case rs512 = "RS512"

    var messageDigest: OpaquePointer? {
        switch self {
        case .rs256: return EVP_sha256()
        case .rs384: return EVP_sha384()
        case .rs512: return EVP_sha512()
        }
    }
}
