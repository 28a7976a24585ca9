#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Part of a file held open for someone else to read, such as the FUSE bridge splicing a cached block into the
/// kernel without copying it through memory. Owns the descriptor: it is closed when the range is released.
///
/// The bytes stay readable even if the file is unlinked meanwhile (the block cache evicting it), since an open
/// file outlives its name; block files are never rewritten in place, so the bytes can't change either.
public final class OpenFileRange: Sendable {
    /// The open descriptor (read-only).
    public let descriptor: Int32
    /// Where the range starts in the file.
    public let offset: Int64
    /// How many bytes it holds; the file has at least this many from `offset`.
    public let count: Int

    init(descriptor: Int32, offset: Int64, count: Int) {
        self.descriptor = descriptor
        self.offset = offset
        self.count = count
    }

    deinit { close(descriptor) }
}

extension OpenFileRange {
    /// The range's bytes, read into memory (for answers that must combine several ranges).
    public func bytes() throws -> [UInt8] {
        var failure: Error?
        let result = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            do {
                initialized = try FileIO.read(
                    descriptor, into: UnsafeMutableRawBufferPointer(buffer), at: offset, path: "(open block)")
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return result
    }
}
