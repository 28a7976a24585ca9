import Foundation

/// The end of the browser's redirect after the user grants access: a one-shot HTTP listener on the loopback port
/// of the redirect URI, answering the browser with a short page and handing the query to the caller.
///
/// Plain blocking sockets on a thread of its own: it serves one browser request per login, so an event loop would
/// buy nothing. `@unchecked Sendable`: the descriptor is written once in `init`; `stop()` may race `receive`'s
/// `accept`, which `shutdown(2)` is made for.
public final class LoopbackRedirectReceiver: @unchecked Sendable {
    /// Why the listener could not start.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    private let socket: Int32
    private let path: String

    /// Listens on 127.0.0.1 at the redirect URI's port.
    /// - Throws: ``Failure`` if the URI is not `http://127.0.0.1:PORT/...` (or localhost) or the port is taken.
    public init(redirectURI: URL) throws {
        guard redirectURI.scheme == "http", ["127.0.0.1", "localhost"].contains(redirectURI.host ?? ""),
              let port = redirectURI.port else {
            throw Failure(description: "\(redirectURI.absoluteString): not http://127.0.0.1:PORT/..., so nothing here can receive it")
        }
        path = redirectURI.path.isEmpty ? "/" : redirectURI.path
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(socket, 4) == 0 else {
            let reason = String(cString: strerror(errno))
            close(socket)
            throw Failure(description: "cannot listen on 127.0.0.1:\(port) (\(reason))")
        }
    }

    deinit { close(socket) }

    /// Waits for the browser's request to the redirect path and returns its query string. Other requests (a
    /// favicon) get a 404 and are ignored.
    public func receive() async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { [self] in
                continuation.resume(with: Result { try acceptRedirect() })
            }
        }
    }

    /// Makes a pending ``receive()`` fail, e.g. once the code was pasted instead.
    public func stop() {
        shutdown(socket, Int32(SHUT_RDWR))
    }

    private func acceptRedirect() throws -> String {
        while true {
            let connection = accept(socket, nil, nil)
            guard connection >= 0 else {
                if errno == EINTR { continue }
                throw Failure(description: "stopped listening for the redirect")
            }
            defer { close(connection) }
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            guard let target = Self.requestTarget(connection) else { continue }
            let (requestPath, query) = Self.split(target)
            guard requestPath == path else {
                Self.respond(connection, status: "404 Not Found", text: "Not found")
                continue
            }
            let text = query.contains("error=")
                ? "boxfs: Box did not authorize the app. See the terminal."
                : "boxfs: signed in. You can close this tab and return to the terminal."
            Self.respond(connection, status: "200 OK", text: text)
            return query
        }
    }

    /// The target of the request line (`GET /callback?code=... HTTP/1.1`), once the headers are in.
    private static func requestTarget(_ connection: Int32) -> String? {
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while received.count < 64 * 1024 {
            let n = read(connection, &buffer, buffer.count)
            guard n > 0 else { return nil }
            received += buffer[0 ..< n]
            if received.count >= 4, received.suffix(4) == [13, 10, 13, 10] { break }
        }
        let line = String(decoding: received.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self).split(separator: " ")
        guard line.count >= 2, line[0] == "GET" else { return nil }
        return String(line[1])
    }

    private static func split(_ target: String) -> (path: String, query: String) {
        guard let question = target.firstIndex(of: "?") else { return (target, "") }
        return (String(target[..<question]), String(target[target.index(after: question)...]))
    }

    private static func respond(_ connection: Int32, status: String, text: String) {
        let body = Array("<!doctype html><title>boxfs</title><p>\(text)</p>\n".utf8)
        let head = "HTTP/1.1 \(status)\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        let bytes = Array(head.utf8) + body
        _ = bytes.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
    }
}
