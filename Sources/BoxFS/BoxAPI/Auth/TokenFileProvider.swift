import Foundation

/// A token kept in a file by something else (a cron job, a secrets manager), re-read when Box rejects the one in
/// use. The file must not be readable by group or others.
public actor TokenFileProvider: AccessTokenProvider {
    private let url: URL
    private var token: String

    /// Reads the token now, so a missing or too-open file is reported before mounting.
    public init(url: URL) throws {
        self.url = url
        token = try Self.read(url)
    }

    public func accessToken() async throws -> String { token }

    public func tokenRejected(_ rejected: String) async {
        guard rejected == token, let fresh = try? Self.read(url) else { return }
        token = fresh
    }

    private static func read(_ url: URL) throws -> String {
        let token = try SecretFile.readString(url)
        guard !token.isEmpty else { throw AuthError.invalidFile(path: url.path, problem: "is empty") }
        return token
    }
}
