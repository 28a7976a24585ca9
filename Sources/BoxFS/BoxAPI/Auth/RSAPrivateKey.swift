import COpenSSL
import Foundation

/// An RSA private key for signing JWT assertions, loaded from PEM (PKCS#8, optionally encrypted as Box's developer
/// console issues it, or PKCS#1).
///
/// `@unchecked Sendable`: the `EVP_PKEY` is never mutated after loading; each signature uses its own context.
final class RSAPrivateKey: @unchecked Sendable {
    private let key: OpaquePointer

    enum LoadError: Error, Equatable {
        /// An encrypted key that the passphrase does not open.
        case wrongPassphrase
        case notAnRSAPrivateKey
    }

    init(pem: String, passphrase: String?) throws {
        let bytes = Array(pem.utf8)
        // With no callback OpenSSL takes the last argument as the passphrase. An empty one (never NULL) makes an
        // encrypted key without passphrase fail instead of prompting on the terminal.
        let loaded: OpaquePointer? = bytes.withUnsafeBytes { buffer in
            (passphrase ?? "").withCString { secret in
                guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
                defer { BIO_free(bio) }
                return PEM_read_bio_PrivateKey(bio, nil, nil, UnsafeMutableRawPointer(mutating: secret))
            }
        }
        ERR_clear_error()
        guard let loaded else {
            throw pem.contains("ENCRYPTED PRIVATE KEY") ? LoadError.wrongPassphrase : LoadError.notAnRSAPrivateKey
        }
        guard EVP_PKEY_get_base_id(loaded) == EVP_PKEY_RSA else {
            EVP_PKEY_free(loaded)
            throw LoadError.notAnRSAPrivateKey
        }
        key = loaded
    }

    deinit { EVP_PKEY_free(key) }

    /// An RS256 (RSASSA-PKCS1-v1_5 with SHA-256) signature of `message`.
    func signSHA256(_ message: [UInt8]) throws -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw SigningFailed() }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, EVP_sha256(), nil, key) == 1 else { throw SigningFailed() }
        var length = 0
        guard EVP_DigestSign(context, nil, &length, message, message.count) == 1 else { throw SigningFailed() }
        var signature = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSign(context, &signature, &length, message, message.count) == 1 else { throw SigningFailed() }
        return Array(signature.prefix(length))
    }

    struct SigningFailed: Error {}
}
