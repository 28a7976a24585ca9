import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// Box's `POST /oauth2/token`: sends a grant as a form and reads the token or the OAuth error.
struct TokenEndpoint: Sendable {
    let url: URL
    let http: HTTPClient
    let logger: Logger
    var timeout: TimeInterval = 30

    /// What the endpoint said.
    enum Answer: Sendable {
        case granted(GrantedToken)
        /// An OAuth error, with the server's `Date` (JWT clients use it to correct for clock skew).
        case refused(error: String, description: String, serverDate: Date?)
    }

    /// Posts `form` (grant_type first) and returns the token, throwing `AuthError.grantRefused` on an OAuth error.
    func grant(_ form: [(String, String)]) async throws -> GrantedToken {
        switch try await post(form) {
        case let .granted(token): return token
        case let .refused(error, description, _): throw AuthError.grantRefused(error: error, description: description)
        }
    }

    /// Posts `form`. Throws `AuthError.tokenEndpointFailed` when the answer is neither a token nor an OAuth error.
    func post(_ form: [(String, String)]) async throws -> Answer {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(string: FormEncoding.encode(form)))
        let grantType = form.first { $0.0 == "grant_type" }?.1 ?? "?"
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await http.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
            body = try await response.body.collect(upTo: 1 << 20)
        } catch {
            throw AuthError.tokenEndpointFailed("\(url.absoluteString): \(error)")
        }
        // Only the grant type and status are logged: the form and the body carry secrets.
        logger.debug("token grant answered", metadata: ["grant_type": "\(grantType)", "status": "\(response.status.code)"])
        let data = Data(body.readableBytesView)
        if response.status == .ok, let token = try? JSONDecoder().decode(TokenBody.self, from: data) {
            let lifetime = TimeInterval(token.expiresIn)
            return .granted(GrantedToken(accessToken: token.accessToken, expiresAt: Date() + lifetime,
                                         refreshToken: token.refreshToken, lifetime: lifetime))
        }
        if let refusal = try? JSONDecoder().decode(ErrorBody.self, from: data) {
            let serverDate = response.headers.first(name: "Date").flatMap(HTTPDate.parse)
            return .refused(error: refusal.error, description: refusal.errorDescription ?? "", serverDate: serverDate)
        }
        throw AuthError.tokenEndpointFailed("\(url.absoluteString) answered \(response.status.code) without a token")
    }

    private struct TokenBody: Decodable {
        var accessToken: String
        var expiresIn: Int
        var refreshToken: String?
        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token", expiresIn = "expires_in", refreshToken = "refresh_token"
        }
    }

    private struct ErrorBody: Decodable {
        var error: String
        var errorDescription: String?
        enum CodingKeys: String, CodingKey { case error, errorDescription = "error_description" }
    }
}
