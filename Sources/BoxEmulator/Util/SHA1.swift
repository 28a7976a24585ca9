import COpenSSL
import Foundation

/// Incremental SHA-1 (libcrypto's EVP interface): Box identifies content by SHA-1 everywhere.
///
/// A class so a streamed body can be hashed chunk by chunk from a closure; one hasher is fed by one task at
/// a time, hence the unchecked Sendable.
final class SHA1Hasher: @unchecked Sendable {
    private let context: OpaquePointer

    init() {
        context = EVP_MD_CTX_new()
        EVP_DigestInit_ex(context, EVP_sha1(), nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        EVP_DigestUpdate(context, base, bytes.count)
    }

    func update(_ data: Data) {
        data.withUnsafeBytes { update($0) }
    }

    func finalize() -> SHA1Digest {
        var out = [UInt8](repeating: 0, count: 20)
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &out, &length)
        return SHA1Digest(bytes: out)
    }

    static func digest(_ data: Data) -> SHA1Digest {
        let hasher = SHA1Hasher()
        hasher.update(data)
        return hasher.finalize()
    }
}

/// A SHA-1 digest in the two spellings Box uses: hex (`sha1`, `Content-MD5`) and base64 (`Digest: sha=`).
struct SHA1Digest: Hashable, Sendable {
    let bytes: [UInt8]

    var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] }, as: UTF8.self)
    }
    var base64: String { Data(bytes).base64EncodedString() }

    /// Reads `sha=<base64>` from a `Digest` header (algorithm token case-insensitive, RFC 3230 lists allowed).
    static func fromDigestHeader(_ header: String) -> SHA1Digest? {
        for entry in header.split(separator: ",") {
            let parts = entry.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "sha" else { continue }
            guard let data = Data(base64Encoded: String(parts[1])), data.count == 20 else { return nil }
            return SHA1Digest(bytes: [UInt8](data))
        }
        return nil
    }
}
