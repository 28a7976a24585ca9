import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// `boxfs auth check`: gets a token the way a mount would, then asks Box who it acts as, which enterprise, and
/// whether the mount root can be listed and written, explaining refusals in the terms of Box's security model.
///
/// It talks HTTP itself rather than through ``BoxClient`` because a diagnosis needs what the client hides on
/// purpose: the raw status, `WWW-Authenticate`, and the error code of each single attempt, with no retries.
public struct CredentialCheck: Sendable {
    /// One finding, printed as one line.
    public struct Finding: Sendable, Equatable {
        public var passed: Bool
        public var text: String
    }

    let configuration: BoxFSConfiguration
    let http: HTTPClient
    let logger: Logger

    public init(configuration: BoxFSConfiguration, http: HTTPClient, logger: Logger) {
        self.configuration = configuration
        self.http = http
        self.logger = logger
    }

    /// Runs the checks in order, stopping at the first that leaves nothing further to learn.
    public func run() async -> [Finding] {
        var findings: [Finding] = []
        let token: String
        var asUser = configuration.asUser
        do {
            let provider = try AuthProviderFactory.make(configuration: configuration, httpClient: http, logger: logger)
            token = try await provider.accessToken()
            findings.append(.init(passed: true, text: "token: obtained with auth = \(configuration.auth.method.rawValue)"))
            if let login = configuration.asUser, !AsUserResolver.isUserID(login) {
                do {
                    asUser = try await AsUserResolver.userID(for: login, apiURL: configuration.apiURL, tokens: provider,
                                                             http: http, timeout: configuration.requestTimeout)
                    findings.append(.init(passed: true, text: "as_user: \(login) is user \(asUser ?? "?")"))
                } catch {
                    return findings + [.init(passed: false, text: "\(error)")]
                }
            }
        } catch {
            return [.init(passed: false, text: "token: \(CredentialAdvice.tokenFailure(error, method: configuration.auth.method))")]
        }

        let me = await call(.GET, "/users/me?fields=id,name,login,role,enterprise", token: token, asUser: asUser)
        guard me.status == 200, let user = me.json else {
            return findings + [.init(passed: false, text: "user: " + CredentialAdvice.userFailure(me, asUser: asUser))]
        }
        let name = user["name"] as? String ?? "?", login = user["login"] as? String ?? "?"
        let role = (user["role"] as? String).map { ", role \($0)" } ?? ""
        let via = asUser.map { " (via as_user \($0))" } ?? ""
        findings.append(.init(passed: true, text: "acts as: \(name) <\(login)>, user \(user["id"] as? String ?? "?")\(role)\(via)"))
        if let enterprise = user["enterprise"] as? [String: Any] {
            findings.append(.init(passed: true, text: "enterprise: \(enterprise["name"] as? String ?? "?") (\(enterprise["id"] as? String ?? "?"))"))
        } else {
            findings.append(.init(passed: true, text: "enterprise: none (a personal account)"))
        }

        let root = configuration.rootFolderID.rawValue
        let listing = await call(.GET, "/folders/\(root)/items?limit=1&fields=name", token: token, asUser: asUser)
        guard listing.status == 200 else {
            return findings + [.init(passed: false, text: "root folder \(root): cannot list: "
                + CredentialAdvice.folderFailure(listing, folder: root, login: login))]
        }
        let count = (listing.json?["total_count"] as? Int).map { " (\($0) entries)" } ?? ""
        findings.append(.init(passed: true, text: "root folder \(root): can list\(count)"))

        // A preflight upload check is Box's cheap write test: nothing is created.
        let probe = ".boxfs-auth-check-\(UInt32.random(in: 0 ... .max))"
        let body = #"{"name":"\#(probe)","parent":{"id":"\#(root)"},"size":1}"#
        let preflight = await call(.OPTIONS, "/files/content", token: token, asUser: asUser, json: body)
        if preflight.status == 200 || preflight.code == "item_name_in_use" {
            findings.append(.init(passed: true, text: "root folder \(root): can write (preflight upload accepted)"))
        } else {
            findings.append(.init(passed: false, text: "root folder \(root): cannot write: "
                + CredentialAdvice.writeFailure(preflight)))
        }
        return findings
    }

    /// One API answer, reduced to what the advice needs.
    struct Answer {
        var status: Int
        var json: [String: Any]?
        var challenge: String?
        var transportError: String?
        var code: String? { json?["code"] as? String }
        var message: String? { json?["message"] as? String }
    }

    private func call(_ method: HTTPMethod, _ pathAndQuery: String, token: String, asUser: String?,
                      json: String? = nil) async -> Answer {
        var request = HTTPClientRequest(url: configuration.apiURL.absoluteString + pathAndQuery)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let asUser { request.headers.add(name: "As-User", value: asUser) }
        if configuration.suppressNotifications { request.headers.add(name: "Box-Notifications", value: "off") }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        do {
            let response = try await http.execute(request, timeout: .seconds(Int64(configuration.requestTimeout)))
            let body = try await response.body.collect(upTo: 1 << 20)
            let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
            return Answer(status: Int(response.status.code), json: object,
                          challenge: response.headers.first(name: "WWW-Authenticate"))
        } catch {
            return Answer(status: 0, transportError: "\(error)")
        }
    }
}
