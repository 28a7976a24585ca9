import Foundation

/// How the emulator issues tokens: lifetimes, the audiences a JWT assertion may name, and the registered apps.
public struct AuthConfiguration: Sendable {
    /// Lifetime of issued access tokens (Box: 60 minutes). Tests use a few seconds.
    public var accessTokenLifetime: TimeInterval
    /// Lifetime of a refresh token that is never spent (Box: 60 days).
    public var refreshTokenLifetime: TimeInterval = 60 * 24 * 3600
    /// Lifetime of an authorization code (Box: 30 seconds).
    public var authorizationCodeLifetime: TimeInterval = 30
    /// The `aud` values a JWT assertion may carry besides the emulator's own loopback token URL. Box's token URL
    /// is accepted by default (rclone hard-codes it); add a public base URL's with `TokenAuthority.acceptAudience(_:)`.
    public var audiences: Set<String> = ["https://api.box.com/oauth2/token"]
    /// The apps whose clients may obtain tokens, by client id.
    public var apps: [String: RegisteredApp] = [:]

    public init(accessTokenLifetime: TimeInterval = 3600, apps: [RegisteredApp] = []) {
        self.accessTokenLifetime = accessTokenLifetime
        for app in apps { register(app) }
    }

    /// Adds (or replaces) an app, keyed by its client id.
    public mutating func register(_ app: RegisteredApp) {
        apps[app.clientID] = app
    }
}

/// A Box app as configured in the developer console: its client credentials, the public keys its JWT assertions
/// are signed with, and the enterprise it belongs to (the subject of enterprise tokens).
public struct RegisteredApp: Sendable {
    public var clientID: String
    public var clientSecret: String
    /// Public keys by the id the console assigns them (the JWT `kid`).
    public var publicKeys: [String: RSAPublicKey]
    /// The enterprise whose service account `box_sub_type=enterprise` tokens act as; nil for apps without one.
    public var enterpriseID: String?
    /// The OAuth 2.0 redirect URIs configured for the app. Empty: any loopback `http` URI is accepted.
    public var redirectURIs: [String]

    public init(clientID: String, clientSecret: String, publicKeys: [String: RSAPublicKey] = [:],
                enterpriseID: String? = nil, redirectURIs: [String] = []) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.publicKeys = publicKeys
        self.enterpriseID = enterpriseID
        self.redirectURIs = redirectURIs
    }
}
