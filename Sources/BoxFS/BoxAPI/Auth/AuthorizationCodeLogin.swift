import AsyncHTTPClient
import Foundation
import Logging

/// An OAuth 2.0 user login (Box's authorization-code flow): the authorize URL to open in a browser, and the
/// exchange of the code Box sends back for the first access/refresh pair, saved where `refresh_token_file` says.
public struct AuthorizationCodeLogin: Sendable {
    /// Box's authorize page. It lives on account.box.com, not on the API host.
    public static let boxAuthorizeURL = URL(string: "https://account.box.com/api/oauth2/authorize")!

    public let authorizeURL: URL
    public let tokenURL: URL
    public let clientID: String
    public let redirectURI: URL
    /// The anti-forgery value the redirect must carry back.
    public let state: String
    private let clientSecret: String
    private let store: OAuthTokenStore

    /// - Parameters:
    ///   - authorizeURL: nil for Box's own page when `token_url` is Box's, else the page on `token_url`'s host
    ///     (`/api/oauth2/authorize`, where the emulator serves it).
    ///   - redirectURI: must be one of the redirect URIs configured for the app in the developer console.
    /// - Throws: ``AuthError`` if the configuration is not an OAuth one or the client secret file is unusable.
    public init(configuration: BoxFSConfiguration, authorizeURL: URL? = nil, redirectURI: URL) throws {
        let auth = configuration.auth
        // `validate(source:)` insists on both for auth = oauth.
        guard auth.method == .oauth, let clientID = auth.clientID, let storeURL = auth.refreshTokenFile else {
            throw AuthError.missingSetting("auth = oauth (with client_id and refresh_token_file)")
        }
        self.clientID = clientID
        clientSecret = try AuthProviderFactory.clientSecret(auth)
        store = OAuthTokenStore(url: storeURL)
        tokenURL = configuration.tokenURL
        self.authorizeURL = authorizeURL ?? Self.defaultAuthorizeURL(tokenURL: configuration.tokenURL)
        self.redirectURI = redirectURI
        var generator = SystemRandomNumberGenerator()
        state = (0 ..< 16).map { _ in String(format: "%02x", UInt8.random(in: 0 ... 255, using: &generator)) }.joined()
    }

    /// Where `refresh_token_file` points.
    public var tokenFile: URL { store.url }

    /// The URL the user opens to sign in and grant the app access.
    public var userAuthorizationURL: URL {
        let query = FormEncoding.encode([
            ("response_type", "code"), ("client_id", clientID), ("redirect_uri", redirectURI.absoluteString),
            ("state", state),
        ])
        return URL(string: authorizeURL.absoluteString + "?" + query)!
    }

    /// Exchanges `code` (valid 30 seconds) for the first token pair and saves it atomically with mode 0600.
    public func exchange(code: String, http: HTTPClient, logger: Logger) async throws {
        let endpoint = TokenEndpoint(url: tokenURL, http: http, logger: logger)
        let token = try await endpoint.grant([
            ("grant_type", "authorization_code"), ("code", code),
            ("client_id", clientID), ("client_secret", clientSecret),
        ])
        guard token.refreshToken != nil else {
            throw AuthError.tokenEndpointFailed("the code exchange carried no refresh token")
        }
        try store.save(token)
    }

    static func defaultAuthorizeURL(tokenURL: URL) -> URL {
        guard var components = URLComponents(url: tokenURL, resolvingAgainstBaseURL: false),
              components.host != "api.box.com" else { return boxAuthorizeURL }
        components.path = "/api/oauth2/authorize"
        components.query = nil
        return components.url ?? boxAuthorizeURL
    }
}
