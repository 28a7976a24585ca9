import AsyncHTTPClient
import Foundation
import NIOCore

/// The `multipart/form-data` body of a simple upload, streamed from a local file.
///
/// Box requires the `attributes` part before the file part (else `400 metadata_after_file_contents`) and a
/// `Content-Length`, so the body is laid out as a fixed preamble (attributes part and the file part's
/// headers), the file read in chunks, and a fixed epilogue, and its length is known up front.
struct MultipartBody: Sendable {
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
            private var stage = Stage.preamble

            private enum Stage {
                case preamble
                case file(FileRangeBody.Iterator)
                case done
            }

            init(parts: Parts) {
                self.parts = parts
            }

            mutating func next() async throws -> ByteBuffer? {
                switch stage {
                case .preamble:
                    let file = FileRangeBody(file: parts.file, range: 0..<parts.body.fileSize)
                    stage = .file(file.makeAsyncIterator())
                    return parts.body.preamble
                case .file(var chunks):
                    if let chunk = try await chunks.next() {
                        stage = .file(chunks)
                        parts.sent(chunk.readableBytes)
                        return chunk
                    }
                    stage = .done
                    return parts.body.epilogue
                case .done:
                    return nil
                }
            }
        }
    }
}
