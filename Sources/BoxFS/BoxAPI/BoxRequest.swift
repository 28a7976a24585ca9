import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One Box call as the retry loop sees it: everything needed to send it again.
struct BoxRequest: Sendable {
    /// Whether sending the request twice is harmless.
    enum Safety: Sendable {
        /// GET, PUT, DELETE and part uploads: a repeat has the same effect as one call.
        case idempotent
        /// A POST that may have landed even though its answer was lost (dropped connection, 5xx).
        /// It is still retried, and the caller's recovery closure decides whether the error a later
        /// attempt gets (e.g. a name conflict) is in fact the earlier attempt's success.
        case replayable
    }

    /// The request body, recreated for every attempt (a stream can only be sent once).
    enum Body: Sendable {
        case none
        case bytes(ByteBuffer)
        case stream(length: Int64, make: @Sendable () -> HTTPClientRequest.Body)
    }

    var method: HTTPMethod
    var url: String
    var headers: HTTPHeaders = [:]
    var body: Body = .none
    var kind: EndpointKind
    var safety: Safety = .idempotent
    /// The rate-limit budget it draws from; nil for requests that aren't Box API calls (download URLs).
    var bucket: RateLimiter.Bucket? = .general
    /// Whether to send the bearer token and `As-User` (not to download URLs).
    var authenticated = true
    /// Statuses the caller's handler reads; everything else is an error for the retry loop.
    var accepted: Set<Int> = [200, 201, 204]
    /// Seconds allowed for the whole attempt, body included.
    var timeout: TimeInterval
    /// Overrides the configured retry bound for this request.
    var maxRetries: Int?

    init(_ method: HTTPMethod, _ url: String, kind: EndpointKind, timeout: TimeInterval) {
        self.method = method
        self.url = url
        self.kind = kind
        self.timeout = timeout
    }

    /// Sets a JSON body.
    mutating func setJSON<Value: Encodable>(_ value: Value) throws {
        let data = try BoxJSON.encoder().encode(value)
        headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        body = .bytes(ByteBuffer(bytes: data))
    }
}

/// Query strings and path segments for Box URLs.
enum BoxURL {
    /// `base` + `path` + `?name=value&...`, with names and values percent-encoded.
    static func make(_ base: String, _ path: String, query: [(String, String)] = []) -> String {
        var url = base.hasSuffix("/") ? String(base.dropLast()) : base
        url += path
        if !query.isEmpty {
            url += "?" + query.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
        }
        return url
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters (so `,` in `fields=` is encoded too,
    /// which servers decode back).
    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~,")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// A path segment for an id (ids are digits, but never trust that in a URL).
    static func segment(_ text: String) -> String {
        encode(text)
    }
}
