import Foundation

/// Reads files that hold secrets, refusing ones other users could read: a leaked refresh token or private key
/// gives its holder the whole Box account.
enum SecretFile {
    /// The file's bytes, after checking that neither group nor others have any access to it.
    static func read(_ url: URL) throws -> Data {
        try checkPrivate(url)
        do {
            return try Data(contentsOf: url)
        } catch {
            throw AuthError.unreadableFile(path: url.path, reason: reason(error))
        }
    }

    /// The file's text with surrounding whitespace (a trailing newline) removed.
    static func readString(_ url: URL) throws -> String {
        String(decoding: try read(url), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func checkPrivate(_ url: URL) throws {
        var info = stat()
        guard stat(url.path, &info) == 0 else {
            throw AuthError.unreadableFile(path: url.path, reason: String(cString: strerror(errno)))
        }
        if info.st_mode & 0o077 != 0 { throw AuthError.secretFileTooOpen(path: url.path) }
    }

    private static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return ns.localizedDescription
    }
}
