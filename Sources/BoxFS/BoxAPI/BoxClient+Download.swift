import AsyncHTTPClient
import Cache
import Foundation
import NIOCore
import NIOHTTP1

extension BoxClient {
    /// Reads a file's content, or a byte range of it, into memory.
    ///
    /// Meant for the filesystem's block reads (a few MB); use ``download(_:range:version:into:)`` or
    /// ``download(_:version:toFileAt:)`` for whole large files.
    ///
    /// - Parameters:
    ///   - id: The file.
    ///   - range: Inclusive byte offsets, or nil for the whole file. A range past the end yields the bytes
    ///     that exist (none if it starts at or after the end).
    ///   - version: A `file_version` id to read (``BoxItem/fileVersionID``), or nil for the current version.
    ///     Pass it when you have it: reads of a version reuse one download URL.
    public func download(_ id: ItemID, range: ClosedRange<Int64>? = nil, version: String? = nil) async throws
        -> [UInt8]
    {
        var bytes: [UInt8] = []
        if let range { bytes.reserveCapacity(Int(clamping: range.upperBound - range.lowerBound + 1)) }
        try await download(id, range: range, version: version) { chunk in
            bytes += chunk.readableBytesView
        }
        return bytes
    }

    /// Streams a file's content, or a byte range of it, to `consume` in order, without holding it in memory.
    ///
    /// Follows Box's `302` to the download URL itself (without sending the token there) and waits out
    /// `202` "not ready yet" answers. The content is fetched in ranged requests of at most
    /// ``downloadWindow`` bytes, each with a deadline fitting its size, and a request whose connection
    /// drops resumes from the first byte not yet delivered, so `consume` sees every byte exactly once.
    ///
    /// - Returns: The number of bytes delivered.
    @discardableResult
    public func download(
        _ id: ItemID, range: ClosedRange<Int64>? = nil, version: String? = nil,
        into consume: (ByteBuffer) async throws -> Void
    ) async throws -> Int64 {
        let first = range?.lowerBound ?? 0
        let last = range?.upperBound ?? .max
        var next = first
        var url: String?
        var refreshedURL = false
        while next <= last {
            let windowEnd = next + min(Self.downloadWindow - 1, last - next)
            let location: String
            if let url { location = url } else { location = try await downloadURL(id, version: version) }
            url = location
            do {
                try await fetch(location, from: &next, through: windowEnd, into: consume)
            } catch let error as BoxAPIError where !refreshedURL && error.isRefusedDownloadURL {
                // The URL expired or was revoked: ask Box for a fresh one, once.
                refreshedURL = true
                url = nil
                if let version { downloadURLs.remove(.init(id: id, version: version)) }
                continue
            }
            // A window that came back short ended at the end of the file.
            if next <= windowEnd { break }
        }
        return next - first
    }

    /// The largest range fetched in one request of a streaming download.
    public static let downloadWindow: Int64 = 64 * 1024 * 1024

    /// Downloads a whole file into a local file (created or truncated), streaming.
    ///
    /// - Returns: The number of bytes written.
    @discardableResult
    public func download(_ id: ItemID, version: String? = nil, toFileAt path: String) async throws -> Int64 {
        try await LocalFile.withWriting(path) { file in
            var offset: Int64 = 0
            return try await download(id, version: version) { chunk in
                try await file.write(chunk, at: offset)
                offset += Int64(chunk.readableBytes)
            }
        }
    }

    /// The download URL for a file version: cached for versioned reads, else asked of Box.
    private func downloadURL(_ id: ItemID, version: String?) async throws -> String {
        guard let version else { return try await requestDownloadURL(id, version: nil) }
        return try await downloadURLs.url(for: .init(id: id, version: version)) {
            try await self.requestDownloadURL(id, version: version)
        }
    }

    /// `GET /files/{id}/content` without following its `302`, waiting while Box answers `202` (content
    /// not ready right after an upload).
    private func requestDownloadURL(_ id: ItemID, version: String?) async throws -> String {
        var notReady = 0
        while true {
            var request = apiRequest(
                .GET, "/files/\(BoxURL.segment(id.rawValue))/content", query: version.map { [("version", $0)] } ?? [],
                kind: .downloadRedirect)
            request.accepted = [202, 302]
            let (location, retryAfter) = try await send(request) { response -> (String?, Double?) in
                _ = try await response.body.collect(upTo: 1024 * 1024)
                if response.status == .found {
                    guard let location = response.headers.first(name: "Location") else {
                        throw BoxAPIError.invalidResponse("302 without Location")
                    }
                    return (location, nil)
                }
                return (nil, response.headers.first(name: "Retry-After").flatMap(Double.init))
            }
            if let location {
                // Location is absolute on Box; resolve it anyway in case a server sends a path.
                return URL(string: location, relativeTo: URL(string: configuration.apiURL))?.absoluteString ?? location
            }
            notReady += 1
            guard notReady <= configuration.maxNotReadyRetries else {
                throw BoxAPIError.http(status: 202, error: nil)
            }
            try await Task.sleep(for: RetryPolicy.duration(min(retryAfter ?? 1, configuration.maxRetryDelay)))
        }
    }

    /// GETs `start...end` of a download URL (no token, no `As-User`, not an API call), passing the bytes
    /// to `consume` and advancing `start` past each delivered chunk, also across retried attempts.
    private func fetch(
        _ url: String, from start: inout Int64, through end: Int64, into consume: (ByteBuffer) async throws -> Void
    ) async throws {
        var next = start
        defer { start = next }
        try await send({
            var request = BoxRequest(.GET, url, kind: .downloadContent, timeout: transferTimeout(bytes: end - next + 1))
            request.authenticated = false
            request.bucket = nil
            // 416: the range starts at or past the end of the file, which a read treats as end of file.
            request.accepted = [200, 206, 416]
            request.headers.add(name: "Range", value: "bytes=\(next)-\(end)")
            return request
        }) { response in
            try await stream(response, requestedStart: next, through: end) { chunk in
                do {
                    try await consume(chunk)
                } catch {
                    throw FinalError(underlying: error)
                }
                next += Int64(chunk.readableBytes)
            }
        }
    }

    /// Passes the body's bytes from `requestedStart` (through `end`) to `deliver`.
    private func stream(
        _ response: HTTPClientResponse, requestedStart: Int64, through end: Int64,
        deliver: (ByteBuffer) async throws -> Void
    ) async throws {
        var skip: Int64 = 0
        switch response.status.code {
        case 416:
            _ = try await response.body.collect(upTo: 1024 * 1024)
            return
        case 206:
            let first = response.headers.first(name: "Content-Range").flatMap(Self.contentRangeStart)
            guard first == requestedStart else {
                throw BoxAPIError.invalidResponse("Content-Range \(first.map(String.init) ?? "missing"), asked \(requestedStart)")
            }
        default:
            // A 200 is the whole file: the server ignored Range.
            skip = requestedStart
        }
        var remaining = end - requestedStart + 1
        for try await var chunk in response.body {
            if skip > 0 {
                let dropped = Int(min(skip, Int64(chunk.readableBytes)))
                chunk.moveReaderIndex(forwardBy: dropped)
                skip -= Int64(dropped)
            }
            if remaining <= 0 { break }
            if Int64(chunk.readableBytes) > remaining {
                chunk = chunk.getSlice(at: chunk.readerIndex, length: Int(remaining))!
            }
            remaining -= Int64(chunk.readableBytes)
            guard chunk.readableBytes > 0 else { continue }
            recorder.record { $0.bytesDownloaded += Int64(chunk.readableBytes) }
            try await deliver(chunk)
        }
    }

    /// The first offset of `bytes a-b/total`.
    private static func contentRangeStart(_ header: String) -> Int64? {
        guard let spec = header.split(separator: " ").last, let dash = spec.firstIndex(of: "-") else { return nil }
        return Int64(spec[..<dash])
    }
}

extension BoxAPIError {
    /// Whether a download URL itself was refused (expired, revoked), as opposed to the file being gone.
    var isRefusedDownloadURL: Bool {
        switch self {
        case .notFound, .forbidden: return true
        case .http(let status, _): return status == 401 || status == 410
        default: return false
        }
    }
}
