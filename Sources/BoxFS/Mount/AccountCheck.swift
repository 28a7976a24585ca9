import Foundation

/// The one call made before mounting (`GET /users/me`): wrong credentials, a wrong `api_url` or an unreachable
/// Box end the mount attempt with one line saying which, instead of a mount whose every operation fails.
enum AccountCheck {
    /// Why the account could not be reached, phrased for an administrator reading one line.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Asks Box who we are, giving up after `timeout` seconds (retries included).
    static func run(client: BoxClient, apiURL: URL, timeout: TimeInterval) async throws -> BoxUser {
        do {
            return try await withThrowingTaskGroup(of: BoxUser?.self) { group in
                group.addTask { try await client.currentUser() }
                group.addTask {
                    try await Task.sleep(for: .seconds(timeout))
                    return nil
                }
                defer { group.cancelAll() }
                guard let user = try await group.next() ?? nil else {
                    throw Failure(description: "Box at \(apiURL.absoluteString) did not answer within \(Int(timeout)) s (operation_timeout)")
                }
                return user
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: describe(error, apiURL: apiURL))
        }
    }

    private static func describe(_ error: Error, apiURL: URL) -> String {
        let url = apiURL.absoluteString
        guard let apiError = error as? BoxAPIError else {
            // Token providers' own errors (bad client secret, unreadable key) already say what is wrong.
            return "cannot get an access token: \(error)"
        }
        switch apiError {
        case .unauthorized(let challenge?) where challenge.contains("expired_token"):
            return "the access token has expired (developer tokens last 60 minutes and cannot be refreshed): generate a new one or use auth = oauth, jwt or ccg"
        case .unauthorized:
            return "Box rejected the credentials (401 from \(url)/users/me): check the token or the auth settings"
        case .transport(let underlying):
            return "cannot reach Box at \(url): \(underlying)"
        case .notFound, .http(status: 404, _):
            return "\(url)/users/me was not found (404): is api_url right?"
        case .invalidResponse(let what):
            return "\(url) does not answer like Box's API (\(what)): is api_url right?"
        case .forbidden(let body):
            return "Box refused access to the account (403 \(body?.code ?? "forbidden")): check as_user and the app's scopes"
        case .rateLimited:
            return "Box kept answering 429 (rate limited) at \(url)/users/me"
        default:
            let body = apiError.errorBody
            return "Box answered \(url)/users/me with an error: \(body.map { "\($0.code ?? "?") \($0.message ?? "")" } ?? "\(apiError)")"
        }
    }
}
