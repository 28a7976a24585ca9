import AsyncHTTPClient
import Foundation
import NIOCore

/// The `multipart/form-data` body of a simple upload, streamed from a local file.
///
/// Box requires the `attributes` part before the file part (else `400 metadata_after_file_contents`) and a
/// `Content-Length`, so the body is laid out as a fixed preamble (attributes part and the file part's
/// headers), the file read in chunks, and a fixed epilogue, and its length is known up front.
struct MultipartBody: Sendable {
    /// Bytes read from the file per body chunk.
    static let chunkSize = 1024 * 1024

    let boundary: String
    let preamble: ByteBuffer
    let epilogue: ByteBuffer
    let fileSize: Int64

    /// - Parameters:
    ///   - attributes: The JSON text of the `attributes` part.
    ///   - filename: The file part's `filename` (Box takes the name from `attributes`; this is informative).
    ///   - fileSize: The exact number of bytes the file part will carry.
    init(attributes: String, filename: String, fileSize: Int64) {
        boundary = "boxfs-" + UUID().uuidString
        // Quotes and line breaks can't appear inside the quoted filename; HTML's form encoding escapes them so.
        let quoted = filename.replacingOccurrences(of: "\"", with: "%22")
            .replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
        preamble = ByteBuffer(
            string: "--\(boundary)\r\n"
                + "Content-Disposition: form-data; name=\"attributes\"\r\n\r\n"
                + "\(attributes)\r\n"
                + "--\(boundary)\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"\(quoted)\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n")
        epilogue = ByteBuffer(string: "\r\n--\(boundary)--\r\n")
        self.fileSize = fileSize
    }

    /// The `Content-Type` header value.
    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// The exact body length.
    var contentLength: Int64 { Int64(preamble.readableBytes) + fileSize + Int64(epilogue.readableBytes) }

    /// A fresh body stream reading `file`; `sent` is told about each file chunk handed to the connection.
    func stream(from file: LocalFile, sent: @escaping @Sendable (Int) -> Void) -> HTTPClientRequest.Body {
        .stream(Parts(body: self, file: file, sent: sent), length: .known(contentLength))
    }

    /// Preamble, file chunks, epilogue.
    private struct Parts: AsyncSequence, Sendable {
        typealias Element = ByteBuffer
        let body: MultipartBody
        let file: LocalFile
        let sent: @Sendable (Int) -> Void

        func makeAsyncIterator() -> Iterator {
            Iterator(parts: self)
        }

        struct Iterator: AsyncIteratorProtocol {
            let parts: Parts
            /// -1 before the preamble, then the file offset, then `nil` after the epilogue.
            var position: Int64? = -1

            mutating func next() async throws -> ByteBuffer? {
                guard let offset = position else { return nil }
                let body = parts.body
                if offset < 0 {
                    position = 0
                    return body.preamble
                }
                if offset < body.fileSize {
                    let count = Int(Swift.min(Int64(MultipartBody.chunkSize), body.fileSize - offset))
                    let chunk = try await parts.file.read(at: offset, count: count)
                    // A file shorter than announced would make the body shorter than its Content-Length.
                    guard chunk.readableBytes == count else {
                        throw BoxAPIError.localFile(path: parts.file.path, errno: EIO)
                    }
                    position = offset + Int64(count)
                    parts.sent(count)
                    return chunk
                }
                position = nil
                return body.epilogue
            }
        }
    }
}
