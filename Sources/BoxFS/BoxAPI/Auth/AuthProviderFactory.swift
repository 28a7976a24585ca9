import AsyncHTTPClient
import Foundation
import Logging

/// Builds the ``AccessTokenProvider`` a mount's configuration asks for.
public enum AuthProviderFactory {
    /// Reads the secret files the configured method needs (refusing any readable by group or others), decrypts a
    /// JWT key, and returns the provider. Nothing is sent to Box yet.
    ///
    /// - Parameters:
    ///   - configuration: a configuration that passed `validate(source:)`.
    ///   - httpClient: used for calls to the token endpoint.
    /// - Throws: ``AuthError``, whose description is one line naming the file and what to fix.
    public static func make(configuration: BoxFSConfiguration, httpClient: HTTPClient,
                            logger: Logger) throws -> any AccessTokenProvider {
        let auth = configuration.auth
        let tokenURL = configuration.tokenURL
        switch auth.method {
        case .token:
            switch configuration.credentials {
            case let .accessToken(token)?: return StaticTokenProvider(token: token)
            case let .accessTokenFile(url)?: return try TokenFileProvider(url: url)
            case nil: throw AuthError.missingSetting("access_token")
            }
        case .oauth:
            return try OAuthTokenProvider(
                tokenURL: tokenURL, clientID: try required(auth.clientID, "client_id"),
                clientSecret: try clientSecret(auth), store: try required(auth.refreshTokenFile, "refresh_token_file"),
                http: httpClient, logger: logger)
        case .ccg:
            return ClientCredentialsTokenProvider(
                tokenURL: tokenURL, clientID: try required(auth.clientID, "client_id"),
                clientSecret: try clientSecret(auth), subject: try subject(auth, enterpriseID: auth.enterpriseID),
                http: httpClient, logger: logger)
        case .jwt:
            let app = try jwtCredentials(auth)
            return JWTTokenProvider(tokenURL: tokenURL, app: app,
                                    subject: try subject(auth, enterpriseID: auth.enterpriseID ?? app.enterpriseID),
                                    http: httpClient, logger: logger)
        }
    }

    private static func jwtCredentials(_ auth: AuthSettings) throws -> JWTAppCredentials {
        if let file = auth.jwtConfigFile { return try JWTAppCredentials.load(configFile: file) }
        let keyFile = try required(auth.jwtPrivateKeyFile, "jwt_private_key_file")
        return try JWTAppCredentials(
            clientID: try required(auth.clientID, "client_id"), clientSecret: try clientSecret(auth),
            publicKeyID: try required(auth.jwtPublicKeyID, "jwt_public_key_id"),
            privateKeyPEM: String(decoding: try SecretFile.read(keyFile), as: UTF8.self),
            passphrase: try auth.jwtPassphraseFile.map(SecretFile.readString), enterpriseID: auth.enterpriseID,
            source: keyFile.path)
    }

    /// `client_secret`, or the content of `client_secret_file` (which must be private).
    static func clientSecret(_ auth: AuthSettings) throws -> String {
        if let secret = auth.clientSecret { return secret }
        return try SecretFile.readString(try required(auth.clientSecretFile, "client_secret_file"))
    }

    /// A user subject when `user_id` is set, else the enterprise's service account.
    private static func subject(_ auth: AuthSettings, enterpriseID: String?) throws -> TokenSubject {
        if let user = auth.userID { return .user(user) }
        return .enterprise(try required(enterpriseID, "enterprise_id"))
    }

    /// `validate(source:)` has already insisted on these; this only keeps an unvalidated configuration from
    /// crashing.
    private static func required<Value>(_ value: Value?, _ key: String) throws -> Value {
        guard let value else { throw AuthError.missingSetting(key) }
        return value
    }
}
