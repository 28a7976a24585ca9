import Foundation
import Hummingbird

/// `POST /oauth2/token` and `POST /oauth2/revoke` (also under `/api/oauth2/`, where rclone's app.box.com
/// defaults point), handed to the token authority.
struct OAuthRoutes {
    let services: EmulatorServices

    func register(on router: some RouterMethods<EmulatorRequestContext>) {
        let authority = services.authority
        for prefix in ["/oauth2", "/api/oauth2"] {
            router.post("\(prefix)/token") { request, _ in
                let form = try await Self.form(request)
                return Self.response(authority.token(form: form, basicCredentials: Self.basicCredentials(request)))
            }
            router.post("\(prefix)/revoke") { request, _ in
                let form = try await Self.form(request)
                return Self.response(authority.revoke(form: form, basicCredentials: Self.basicCredentials(request)))
            }
        }
    }

    static func response(_ answer: OAuthResponse) -> Response {
        let status = HTTPResponse.Status(code: answer.status)
        guard !answer.json.isEmpty else { return .empty(status) }
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: answer.json)))
    }

    /// The `application/x-www-form-urlencoded` body as a dictionary.
    static func form(_ request: Request) async throws -> [String: String] {
        let body = String(decoding: try await request.collectBody(limit: 1 << 20), as: UTF8.self)
        var form: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map {
                $0.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            if let key = kv.first { form[key] = kv.count > 1 ? kv[1] : "" }
        }
        return form
    }

    /// HTTP Basic client credentials (Go's x/oauth2 sends them this way first).
    static func basicCredentials(_ request: Request) -> (id: String, secret: String)? {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("basic "),
              let data = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
              let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return nil }
        let decode = { (s: Substring) in s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s) }
        return (decode(text[..<colon]), decode(text[text.index(after: colon)...]))
    }
}
