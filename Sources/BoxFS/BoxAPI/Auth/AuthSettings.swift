import Foundation

/// The configured way of obtaining access tokens (the `auth` key and the keys each method reads).
/// Secrets are referenced by file where they can be, so the mount configuration itself can stay world-readable.
public struct AuthSettings: Sendable, Equatable {
    /// `auth = token | oauth | ccg | jwt`.
    public enum Method: String, Sendable, CaseIterable {
        /// `access_token` or `access_token_file` (e.g. a developer token).
        case token
        /// An OAuth 2.0 login kept in `refresh_token_file`, renewed with the rotating refresh token.
        case oauth
        /// Client Credentials Grant for a server app, as its service account or a user.
        case ccg
        /// JWT server authentication with the app's key pair.
        case jwt
    }

    public var method: Method = .token
    public var clientID: String?
    public var clientSecret: String?
    public var clientSecretFile: URL?
    public var refreshTokenFile: URL?
    /// Box's app config JSON as the developer console downloads it.
    public var jwtConfigFile: URL?
    /// The separate JWT settings, for setups without the JSON file.
    public var jwtPublicKeyID: String?
    public var jwtPrivateKeyFile: URL?
    public var jwtPassphraseFile: URL?
    /// The subject of CCG/JWT tokens: a user, else the enterprise's service account.
    public var enterpriseID: String?
    public var userID: String?

    public init() {}

    /// What is missing or contradictory for the chosen method, as (key to fix, message); nil if complete.
    /// `hasAccessToken` says whether `access_token`/`access_token_file` is set.
    func problem(hasAccessToken: Bool) -> (key: String?, message: String)? {
        if clientSecret != nil, clientSecretFile != nil {
            return ("client_secret", "set client_secret or client_secret_file, not both")
        }
        let hasSecret = clientSecret != nil || clientSecretFile != nil
        switch method {
        case .token:
            return hasAccessToken ? nil : (nil, "no credentials: set access_token or access_token_file")
        case .oauth:
            if clientID == nil { return ("client_id", "auth = oauth needs the app's client_id") }
            if !hasSecret { return ("client_secret", "auth = oauth needs client_secret or client_secret_file") }
            if refreshTokenFile == nil { return ("refresh_token_file", "auth = oauth needs refresh_token_file") }
        case .ccg:
            if clientID == nil { return ("client_id", "auth = ccg needs the app's client_id") }
            if !hasSecret { return ("client_secret", "auth = ccg needs client_secret or client_secret_file") }
            if enterpriseID == nil, userID == nil {
                return ("enterprise_id", "auth = ccg needs enterprise_id (service account) or user_id")
            }
        case .jwt:
            guard jwtConfigFile == nil else { return nil }
            if clientID == nil || !hasSecret || jwtPublicKeyID == nil || jwtPrivateKeyFile == nil {
                return ("jwt_config_file", "auth = jwt needs jwt_config_file, or client_id, client_secret(_file), "
                    + "jwt_public_key_id and jwt_private_key_file")
            }
            if enterpriseID == nil, userID == nil {
                return ("enterprise_id", "auth = jwt without jwt_config_file needs enterprise_id or user_id")
            }
        }
        return nil
    }
}
