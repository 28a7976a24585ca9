import AsyncHTTPClient
import Foundation

/// Which HTTP proxy boxfs reaches Box through (the `proxy` key).
public enum ProxySetting: Sendable, Equatable {
    /// Like curl: `HTTPS_PROXY` (or `https_proxy`) for an https `api_url`, `HTTP_PROXY` (or `http_proxy`)
    /// for an http one, unless `NO_PROXY` names the API host. Like Go's net/http, never for a loopback host
    /// (a local emulator or test server): a proxy meant for the outside world can't reach it.
    case environment
    /// Connect directly, whatever the environment says.
    case direct
    /// This proxy (`http://[user:password@]host:port`).
    case server(URL)

    /// Parses a `proxy` value: `env`, `none`, or a proxy URL.
    static func parse(_ text: String) throws -> ProxySetting {
        switch text.lowercased() {
        case "env", "environment": return .environment
        case "none", "direct", "off": return .direct
        default:
            guard let url = URL(string: text), url.scheme?.lowercased() == "http", url.host != nil else {
                throw ConfigValues.Invalid(message: "'\(text)' is not env, none or an http://host:port proxy URL")
            }
            return .server(url)
        }
    }

    /// The proxy to use for calls to `target` (the API root), nil for a direct connection.
    ///
    /// One HTTP client serves the API, uploads, downloads and tokens, so `NO_PROXY` is decided by the API's host.
    public func proxyURL(for target: URL, environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        switch self {
        case .direct: return nil
        case .server(let url): return url
        case .environment:
            let names = target.scheme?.lowercased() == "https" ? ["HTTPS_PROXY", "https_proxy"] : ["HTTP_PROXY", "http_proxy"]
            guard let value = names.lazy.compactMap({ environment[$0] }).first(where: { !$0.isEmpty }),
                  let url = URL(string: value.contains("://") ? value : "http://" + value), url.host != nil
            else { return nil }
            let noProxy = environment["NO_PROXY"] ?? environment["no_proxy"] ?? ""
            guard let host = target.host, !Self.isLoopback(host), !Self.matches(host: host, noProxy: noProxy) else { return nil }
            return url
        }
    }

    /// The proxy as async-http-client takes it (it tunnels http and https alike with CONNECT).
    public func clientProxy(for target: URL) -> HTTPClient.Configuration.Proxy? {
        guard let url = proxyURL(for: target), let host = url.host else { return nil }
        let authorization: HTTPClient.Authorization? = url.user.map { .basic(username: $0, password: url.password ?? "") }
        return .server(host: host, port: url.port ?? 80, authorization: authorization)
    }

    static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased()
        return host == "localhost" || host.hasSuffix(".localhost") || host.hasPrefix("127.") || host == "::1" || host == "[::1]"
    }

    /// `NO_PROXY` as curl reads it: comma-separated host names or domain suffixes (`.example.com` or
    /// `example.com` also match subdomains), `*` for every host.
    static func matches(host: String, noProxy: String) -> Bool {
        let host = host.lowercased()
        for entry in noProxy.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !entry.isEmpty {
            if entry == "*" { return true }
            let domain = entry.hasPrefix(".") ? String(entry.dropFirst()) : entry
            if host == domain || host.hasSuffix("." + domain) { return true }
        }
        return false
    }
}
