import COpenSSL
import Foundation
import NIOCore

/// A SHA-1 value, rendered the two ways Box wants it.
public struct SHA1Digest: Sendable, Hashable {
    /// The 20 raw bytes.
    public let bytes: [UInt8]

    /// Lower-case hex: item `sha1` fields, part `sha1` fields, the `Content-MD5` upload header.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Base64 of the raw bytes: the `Digest: sha=` header of chunked uploads.
    public var base64: String {
        Data(bytes).base64EncodedString()
    }
}

/// Incremental SHA-1 over OpenSSL's EVP interface, for hashing files as they stream past.
///
/// A class because it owns the EVP context; not `Sendable` (use it from one task at a time).
final class SHA1Hasher {
    private let context: OpaquePointer

    init() {
        // Allocation failure or a missing SHA-1 in libcrypto would leave nothing sensible to do.
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, EVP_sha1(), nil) == 1 else {
            fatalError("OpenSSL could not set up SHA-1")
        }
        self.context = context
    }

    deinit {
        EVP_MD_CTX_free(context)
    }

    func update(_ buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { raw in
            _ = EVP_DigestUpdate(context, raw.baseAddress, raw.count)
        }
    }

    /// The digest of everything passed to ``update(_:)``. Call once.
    func finish() -> SHA1Digest {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &out, &length)
        return SHA1Digest(bytes: Array(out.prefix(Int(length))))
    }

    /// The SHA-1 of one buffer.
    static func digest(_ buffer: ByteBuffer) -> SHA1Digest {
        let hasher = SHA1Hasher()
        hasher.update(buffer)
        return hasher.finish()
    }
}
