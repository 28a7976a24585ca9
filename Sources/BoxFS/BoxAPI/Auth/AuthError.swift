import Foundation

/// Why boxfs could not get an access token. Each case reads as one line that says what to fix.
public enum AuthError: Error, Equatable, CustomStringConvertible {
    /// A secret file (token store, JWT config, client secret, private key) is readable by group or others.
    case secretFileTooOpen(path: String)
    /// A credentials file could not be read.
    case unreadableFile(path: String, reason: String)
    /// A credentials file's content is not what it should be (malformed JSON, a missing field, a bad key).
    case invalidFile(path: String, problem: String)
    /// The private key could not be decrypted with the configured passphrase.
    case wrongPassphrase(path: String)
    /// The rotated refresh token could not be saved; the new access token is held back until it is.
    case tokenStoreWriteFailed(path: String, reason: String)
    /// Box refused the grant (`{"error":...,"error_description":...}` from the token endpoint).
    case grantRefused(error: String, description: String)
    /// A setting the chosen `auth` method needs is not set (normally caught by `validate(source:)` first).
    case missingSetting(String)
    /// The token endpoint answered something that is not a token or an OAuth error, or could not be reached.
    case tokenEndpointFailed(String)

    public var description: String {
        switch self {
        case let .secretFileTooOpen(path):
            return "\(path): readable by group or others; run: chmod 600 \(path)"
        case let .unreadableFile(path, reason):
            return "\(path): cannot read (\(reason))"
        case let .invalidFile(path, problem):
            return "\(path): \(problem)"
        case let .wrongPassphrase(path):
            return "\(path): cannot decrypt the private key: wrong passphrase"
        case let .tokenStoreWriteFailed(path, reason):
            return "\(path): cannot save the rotated refresh token (\(reason))"
        case let .grantRefused(error, description):
            return "Box refused the credentials: \(error): \(description)"
        case let .missingSetting(key):
            return "\(key) is not set"
        case let .tokenEndpointFailed(reason):
            return "token endpoint: \(reason)"
        }
    }
}
