import Foundation
import Hummingbird
import NIOCore

/// Forwards a response body while keeping a copy.
struct CollectingWriter: ResponseBodyWriter {
    var inner: any ResponseBodyWriter
    let collector: BodyCollector

    mutating func write(_ buffer: ByteBuffer) async throws {
        collector.append(buffer)
        try await inner.write(buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        try await inner.finish(trailingHeaders)
    }
}

/// The bytes of one response body, up to a limit.
///
/// `@unchecked Sendable`: a body is written by one task at a time; the lock only guards against the writer and the
/// final read landing on different threads.
final class BodyCollector: @unchecked Sendable {
    private let lock = NSLock()
    private let limit: Int
    private var data = Data()
    private var overflowed = false

    init(limit: Int) { self.limit = limit }

    func append(_ buffer: ByteBuffer) {
        lock.withLock {
            guard !overflowed else { return }
            if data.count + buffer.readableBytes > limit {
                overflowed = true
                data = Data()
            } else {
                data.append(contentsOf: buffer.readableBytesView)
            }
        }
    }

    /// The whole body, or nil if it was larger than the limit.
    var bytes: Data? { lock.withLock { overflowed ? nil : data } }
}
