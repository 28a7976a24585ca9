#if canImport(Glibc)
import Glibc
#endif
import AsyncHTTPClient
import NIOCore

/// A byte range of a local file as a sequence of 1 MiB chunks: the body of an upload part (so a 32 MiB part is
/// never whole in memory; 4 parts in flight were ~300 MB of RSS) and the middle of a simple upload's multipart body.
struct FileRangeBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    static let chunkSize = 1024 * 1024

    let file: LocalFile
    let range: Range<Int64>

    /// A fresh body for one attempt (a stream can be sent only once).
    func body() -> HTTPClientRequest.Body {
        .stream(self, length: .known(range.upperBound - range.lowerBound))
    }

    func makeAsyncIterator() -> Iterator { Iterator(file: file, offset: range.lowerBound, end: range.upperBound) }

    struct Iterator: AsyncIteratorProtocol {
        let file: LocalFile
        var offset: Int64
        let end: Int64

        mutating func next() async throws -> ByteBuffer? {
            guard offset < end else { return nil }
            let count = Int(Swift.min(Int64(FileRangeBody.chunkSize), end - offset))
            let chunk = try await file.read(at: offset, count: count)
            // The file is shorter than announced: the body would fall short of its Content-Length.
            guard chunk.readableBytes == count else { throw BoxAPIError.localFile(path: file.path, errno: EIO) }
            offset += Int64(count)
            return chunk
        }
    }
}
