import Foundation

/// The file holding an OAuth login: the refresh token and the current access token, rewritten on every refresh.
///
/// Written atomically (temporary file, fsync, rename, fsync of the directory) with mode 0600: a refresh token is
/// single-use, so a torn or lost write after a refresh locks the user out until they log in again.
/// The file may also hold just a refresh token on one line, which is how a user seeds it by hand.
struct OAuthTokenStore: Sendable {
    let url: URL

    /// The stored login. Refuses a file that group or others can read.
    func load() throws -> GrantedToken {
        let data = try SecretFile.read(url)
        if let stored = try? JSONDecoder().decode(Stored.self, from: data) {
            let expiry = Date(timeIntervalSince1970: stored.expiresAt ?? 0)
            return GrantedToken(accessToken: stored.accessToken ?? "", expiresAt: expiry,
                                refreshToken: stored.refreshToken, lifetime: stored.lifetime ?? 0)
        }
        let plain = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !plain.isEmpty, !plain.contains(where: \.isWhitespace), !plain.hasPrefix("{") else {
            throw AuthError.invalidFile(path: url.path,
                                        problem: "expected a refresh token or the JSON boxfs writes there")
        }
        return GrantedToken(accessToken: "", expiresAt: .distantPast, refreshToken: plain, lifetime: 0)
    }

    /// Replaces the file with `token`, durably, before the caller uses it.
    func save(_ token: GrantedToken) throws {
        let stored = Stored(refreshToken: token.refreshToken, accessToken: token.accessToken,
                            expiresAt: token.expiresAt.timeIntervalSince1970, lifetime: token.lifetime)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        do {
            try AtomicFile.write(try encoder.encode(stored), to: url, mode: 0o600)
        } catch let error as AtomicFile.Failure {
            throw AuthError.tokenStoreWriteFailed(path: url.path, reason: error.reason)
        }
    }

    private struct Stored: Codable {
        var refreshToken: String?
        var accessToken: String?
        var expiresAt: Double?
        var lifetime: Double?
        enum CodingKeys: String, CodingKey {
            case refreshToken = "refresh_token", accessToken = "access_token", expiresAt = "expires_at", lifetime
        }
    }
}

/// Crash-safe replacement of a small file.
enum AtomicFile {
    struct Failure: Error {
        var reason: String
        init(_ step: String) { reason = "\(step): \(String(cString: strerror(errno)))" }
    }

    static func write(_ data: Data, to url: URL, mode: mode_t) throws {
        let directory = url.deletingLastPathComponent().path
        let temporary = url.path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw Failure("create \(temporary)") }
        var closed = false
        defer {
            if !closed { close(fd) }
        }
        // O_CREAT's mode is filtered by the umask and ignored for an existing file: set it explicitly.
        guard fchmod(fd, mode) == 0 else { throw Failure("chmod") }
        let written = data.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 { if errno == EINTR { continue }; return false }
                offset += n
            }
            return true
        }
        guard written else { throw Failure("write") }
        guard fsync(fd) == 0 else { throw Failure("fsync") }
        closed = true
        guard close(fd) == 0 else { throw Failure("close") }
        guard rename(temporary, url.path) == 0 else {
            let failure = Failure("rename")
            unlink(temporary)
            throw failure
        }
        // The rename is durable only once the directory entry is.
        let directoryFD = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }
}
