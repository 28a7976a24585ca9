#if canImport(Glibc)
import Glibc
#endif
import AsyncHTTPClient
import NIOCore

/// A request body that streams a byte range of a local file in 1 MiB chunks, so sending a 32 MiB upload part
/// holds one chunk in memory rather than the whole part (4 parts in flight were ~300 MB of RSS).
struct FileRangeBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    static let chunkSize = 1024 * 1024

    let file: LocalFile
    let range: ClosedRange<Int64>

    /// A fresh body for one attempt (a stream can be sent only once).
    func body() -> HTTPClientRequest.Body {
        .stream(self, length: .known(range.upperBound - range.lowerBound + 1))
    }

    func makeAsyncIterator() -> Iterator { Iterator(file: file, offset: range.lowerBound, end: range.upperBound + 1) }

    struct Iterator: AsyncIteratorProtocol {
        let file: LocalFile
        var offset: Int64
        let end: Int64

        mutating func next() async throws -> ByteBuffer? {
            guard offset < end else { return nil }
            let count = Int(Swift.min(Int64(FileRangeBody.chunkSize), end - offset))
            let chunk = try await file.read(at: offset, count: count)
            // The staging file shrank under us: Box would get a short part and refuse its digest anyway.
            guard chunk.readableBytes == count else { throw BoxAPIError.localFile(path: file.path, errno: EIO) }
            offset += Int64(count)
            return chunk
        }
    }
}
