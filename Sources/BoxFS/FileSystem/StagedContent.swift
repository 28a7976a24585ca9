import Cache
import Foundation

/// The local, not-yet-uploaded content of one file while it is open for writing: a staging file shared by all
/// handles writing the inode. The last writer's release hands it to the upload queue.
final class StagedContent: @unchecked Sendable {
    let file: StagingFile
    /// The etag of the version the content started from, for `If-Match` on upload (nil for new files).
    let baseETag: String?
    /// The size of the file on Box when staging began: growth beyond it is what the account's quota must hold.
    let baseSize: Int64
    // Guarded by `lock`.
    private let lock = NSLock()
    private var writers = 0
    private var dirty: Bool
    private var explicitMtime: Timestamp?
    private var writtenSinceWriteBehind = 0

    /// Bytes written between two calls of ``StagingFile/writeBehind()``. A big file's close must make its staged
    /// data durable before it is journaled (fsync); with writeback started as the file is written, that fsync
    /// has only the tail left, and the pages already on disk are let go as it goes. 1 GiB on this project's test
    /// machine (a VM): fsync at close 0.4-0.5 s without, 0.01 s with; the writes themselves 0.35 s instead of
    /// 0.4-1.0 (fresh page-cache pages are what costs there). Small files never reach it.
    static let writeBehindInterval = 16 << 20

    init(file: StagingFile, baseETag: String?, baseSize: Int64 = 0, dirty: Bool) {
        self.file = file
        self.baseETag = baseETag
        self.baseSize = baseSize
        self.dirty = dirty
    }

    var path: String { file.path }
    var isDirty: Bool { lock.withLock { dirty } }

    func addWriter() { lock.withLock { writers += 1 } }

    /// Returns true when this was the last writer.
    func removeWriter() -> Bool { lock.withLock { writers -= 1; return writers == 0 } }

    /// Whether exactly one writer (open file description) is attached.
    var hasSingleWriter: Bool { lock.withLock { writers == 1 } }

    func size() throws -> Int64 { try wrap { try file.size() } }

    func read(offset: Int64, length: Int) throws -> [UInt8] {
        try wrap {
            var buffer = [UInt8](repeating: 0, count: length)
            let count = try buffer.withUnsafeMutableBytes { try file.read(into: $0, at: offset) }
            buffer.removeSubrange(count...)
            return buffer
        }
    }

    func write(_ bytes: [UInt8], at offset: Int64) throws {
        try wrap { try bytes.withUnsafeBytes { try file.write($0, at: offset) } }
        let writeBehind = lock.withLock { () -> Bool in
            dirty = true
            writtenSinceWriteBehind += bytes.count
            guard writtenSinceWriteBehind >= Self.writeBehindInterval else { return false }
            writtenSinceWriteBehind = 0
            return true
        }
        if writeBehind { file.writeBehind() }
    }

    func truncate(to size: Int64) throws {
        try wrap { try file.truncate(to: size) }
        lock.withLock { dirty = true }
    }

    func sync() throws { try wrap { try file.sync() } }

    func markDirty() { lock.withLock { dirty = true } }

    /// The mtime a `utimens` set while the file was open (`cp -p` sets it before closing); it wins over the
    /// time of the last write.
    var modificationTime: Timestamp? {
        get { lock.withLock { explicitMtime } }
        set { lock.withLock { explicitMtime = newValue } }
    }

    private func wrap<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as CacheIOError where error.errno == ENOSPC || error.errno == EDQUOT {
            throw FileSystemError.cacheFull(error.path)
        } catch {
            throw FileSystemError.localIO("\(file.path): \(error)")
        }
    }
}
