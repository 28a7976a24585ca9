import Foundation
import Hummingbird

/// `GET /api/oauth2/authorize` (Box serves it on account.box.com) and `GET /oauth2/authorize`.
///
/// The emulator has no browser session, so the account's default user approves every request at once: the
/// answer is the `302` Box sends after the user signs in and grants access, which lets tests and
/// `boxfs auth login` run the real flow without a browser.
struct AuthorizeRoutes {
    let services: EmulatorServices

    func register(on router: some RouterMethods<EmulatorRequestContext>) {
        let authority = services.authority
        for path: RouterPath in ["/api/oauth2/authorize", "/oauth2/authorize"] {
            router.get(path) { request, _ in
                var query: [String: String] = [:]
                for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
                switch authority.authorize(query: query, as: EmulatorUsers.defaultUser) {
                case let .redirect(location):
                    return Response(status: .found, headers: [.location: location])
                case let .errorPage(status, error, description):
                    let page = "<html><body><h1>Box: \(error)</h1><p>\(description)</p></body></html>"
                    return Response(status: .init(code: status), headers: [.contentType: "text/html; charset=utf-8"],
                                    body: .init(byteBuffer: ByteBuffer(string: page)))
                }
            }
        }
    }
}
