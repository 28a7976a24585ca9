import Foundation

/// The expiring, token-less download URLs that `GET /files/{id}/content` redirects to (Box's dl.boxcloud.com).
/// Each link pins the version current at redirect time.
final class DownloadLinks: @unchecked Sendable {
    struct Link: Sendable {
        let sha1: String
        let size: Int64
        let name: String
        let expires: Date
    }

    /// Box's dl URLs live about 15 minutes.
    static let lifetime: TimeInterval = 15 * 60

    private let lock = NSLock()
    private var links: [String: Link] = [:]

    /// A new token for `version` of a file named `name`.
    func issue(sha1: String, size: Int64, name: String, now: Date = Date()) -> String {
        let token = (0..<4).map { _ in String(format: "%08x", UInt32.random(in: 0...UInt32.max)) }.joined()
        lock.withLock {
            if links.count > 10_000 { links = links.filter { $0.value.expires > now } }
            links[token] = Link(sha1: sha1, size: size, name: name, expires: now.addingTimeInterval(Self.lifetime))
        }
        return token
    }

    /// The link for `token`, unless unknown or expired.
    func resolve(_ token: String, now: Date = Date()) -> Link? {
        lock.withLock { links[token].flatMap { $0.expires > now ? $0 : nil } }
    }
}
