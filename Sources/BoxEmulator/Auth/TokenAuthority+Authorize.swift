import Foundation

/// What Box's authorize page does with a request: send the browser back to the app, or show an error page.
public enum AuthorizeOutcome: Equatable, Sendable {
    /// `302` to this URL: `redirect_uri?code=...&state=...`, or `?error=...&error_description=...&state=...`.
    case redirect(String)
    /// A page shown instead of redirecting, for requests whose redirect can't be trusted (unknown client,
    /// unregistered redirect URI): Box never sends a code or an error to an address the app didn't register.
    case errorPage(status: Int, error: String, description: String)
}

extension TokenAuthority {
    /// Step 1 of the authorization-code flow (`GET https://account.box.com/api/oauth2/authorize`), approved by
    /// `user` as if they had signed in and clicked "Grant access".
    ///
    /// `redirect_uri` must be one the app registered; when it registered none, any loopback `http` URI is
    /// accepted (the emulator's stand-in for a console configured with the tool's own callback).
    /// - Parameter query: the request's query parameters (`response_type`, `client_id`, `redirect_uri`, `state`).
    public func authorize(query: [String: String], as user: UserID) -> AuthorizeOutcome {
        guard let clientID = query["client_id"], let app = configuration.apps[clientID] else {
            return .errorPage(status: 400, error: "invalid_client", description: "The client_id is not valid")
        }
        let redirect: String
        switch (query["redirect_uri"], app.redirectURIs.count) {
        case let (given?, 0):
            guard Self.isLoopbackHTTP(given) else {
                return .errorPage(status: 400, error: "redirect_uri_mismatch",
                                  description: "The redirect URI is not registered for this application")
            }
            redirect = given
        case let (given?, _):
            guard app.redirectURIs.contains(given) else {
                return .errorPage(status: 400, error: "redirect_uri_mismatch",
                                  description: "The redirect URI is not registered for this application")
            }
            redirect = given
        case (nil, 1):
            redirect = app.redirectURIs[0]
        case (nil, _):
            return .errorPage(status: 400, error: "redirect_uri_missing",
                              description: "A redirect_uri is required when the application has several")
        }
        var parameters: [(String, String)]
        if query["response_type"] == "code" {
            // Only a registered app and user can fail here, and both were checked.
            guard let code = try? issueAuthorizationCode(for: user, clientID: clientID) else {
                return .errorPage(status: 400, error: "invalid_request", description: "The user cannot authorize apps")
            }
            parameters = [("code", code)]
        } else {
            parameters = [("error", "unsupported_response_type"),
                          ("error_description", "The response_type must be 'code'")]
        }
        if let state = query["state"] { parameters.append(("state", state)) }
        let query = parameters.map { "\($0.0)=\(Self.percentEncoded($0.1))" }.joined(separator: "&")
        return .redirect(redirect + (redirect.contains("?") ? "&" : "?") + query)
    }

    /// RFC 3986 unreserved characters kept, everything else (`+`, `&`, `=` included) percent-encoded.
    private static func percentEncoded(_ value: String) -> String {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
    }

    private static func isLoopbackHTTP(_ uri: String) -> Bool {
        guard let url = URLComponents(string: uri), url.scheme == "http" else { return false }
        return ["127.0.0.1", "localhost", "[::1]", "::1"].contains(url.host ?? "")
    }
}
