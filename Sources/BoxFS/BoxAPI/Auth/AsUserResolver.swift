import AsyncHTTPClient
import Foundation
import NIOCore

/// `as_user` may name the user by login; Box's `As-User` header takes an id. The login is resolved once, when
/// mounting, among the enterprise's users (`GET /users?filter_term=`), as the token's own identity.
public enum AsUserResolver {
    /// Why a login could not be resolved, as one line.
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    /// Whether `value` is already a user id (Box's ids are digits).
    public static func isUserID(_ value: String) -> Bool {
        !value.isEmpty && value.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// The user id for `asUser`: itself if it is an id, else the id of the enterprise user with exactly that login.
    public static func userID(for asUser: String, apiURL: URL, tokens: any AccessTokenProvider, http: HTTPClient,
                              timeout: TimeInterval = 60) async throws -> String {
        if isUserID(asUser) { return asUser }
        let term = asUser.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? asUser
        var request = HTTPClientRequest(url: apiURL.absoluteString + "/users?filter_term=\(term)&fields=id,login&limit=1000")
        request.headers.add(name: "Authorization", value: "Bearer \(try await tokens.accessToken())")
        let response = try await http.execute(request, timeout: .seconds(Int64(timeout)))
        let body = try await response.body.collect(upTo: 4 << 20)
        switch response.status.code {
        case 200:
            break
        case 401, 403:
            throw Failure(description: "as_user \(asUser): Box refused to list the enterprise's users "
                + "(\(response.status.code)); resolving a login needs an admin, or a service app with the "
                + "\"Manage users\" scope; or give as_user as a user id")
        default:
            throw Failure(description: "as_user \(asUser): GET /users answered \(response.status.code)")
        }
        let page = try? JSONDecoder().decode(Page.self, from: Data(body.readableBytesView))
        // filter_term matches the start of names and logins, so only an exact login counts.
        let matches = (page?.entries ?? []).filter { $0.login?.lowercased() == asUser.lowercased() }
        guard let user = matches.first else {
            throw Failure(description: "as_user \(asUser): no user of the enterprise has this login")
        }
        return user.id
    }

    private struct Page: Decodable {
        var entries: [User]
        struct User: Decodable {
            var id: String
            var login: String?
        }
    }
}
