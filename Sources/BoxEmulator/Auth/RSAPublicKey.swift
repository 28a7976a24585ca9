import COpenSSL
import Foundation

/// An RSA public key registered for an app, used to verify JWT assertion signatures.
///
/// `@unchecked Sendable`: the wrapped `EVP_PKEY` is never mutated after loading, and OpenSSL 3 allows one key to be
/// used by concurrent verifications, each with its own digest context.
public final class RSAPublicKey: @unchecked Sendable {
    private let key: OpaquePointer

    /// Loads a PEM `-----BEGIN PUBLIC KEY-----` (SubjectPublicKeyInfo) block, as Box's console takes it.
    public init(pem: String) throws {
        let bytes = Array(pem.utf8)
        // BIO_new_mem_buf borrows the buffer, so all reading happens inside this closure.
        let loaded: OpaquePointer? = bytes.withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PUBKEY(bio, nil, nil, nil)
        }
        guard let loaded else {
            ERR_clear_error()  // don't leave this failure on the thread's error queue for an unrelated caller
            throw PublicKeyError.notAPublicKeyPEM
        }
        guard EVP_PKEY_get_base_id(loaded) == EVP_PKEY_RSA else {
            EVP_PKEY_free(loaded)
            throw PublicKeyError.notRSA
        }
        key = loaded
    }

    deinit { EVP_PKEY_free(key) }

    /// Whether `signature` is a valid PKCS#1 v1.5 signature of `message` with the given digest.
    func verify(signature: [UInt8], of message: [UInt8], digest: JWTAlgorithm) -> Bool {
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, digest.messageDigest, nil, key) == 1 else { return false }
        let valid = EVP_DigestVerify(context, signature, signature.count, message, message.count) == 1
        if !valid { ERR_clear_error() }
        return valid
    }
}

/// Why a configured public key could not be used.
public enum PublicKeyError: Error, Equatable, CustomStringConvertible {
    case notAPublicKeyPEM
    case notRSA

    public var description: String {
        switch self {
        case .notAPublicKeyPEM: return "not a PEM public key (expected -----BEGIN PUBLIC KEY-----)"
        case .notRSA: return "not an RSA key (Box signs JWT assertions with RSA)"
        }
    }
}
