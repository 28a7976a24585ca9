import Cache
import Foundation

/// An open file.
///
/// Readers read the version that was current at `open`, through the block cache, or the staged content if the
/// file has changes Box doesn't have yet. Writers share the inode's ``StagedContent`` with every other writer of
/// the same file, as POSIX processes share one file.
final class FileHandle: @unchecked Sendable {
    enum Source {
        case remote(VersionReader)
        case staged(StagedContent)
    }

    let inode: Inode
    let writable: Bool
    // Guarded by `lock`: reads of one handle may run in parallel (async_read), and the window is per handle.
    private let lock = NSLock()
    private var source: Source
    private var window: ReadAheadWindow

    init(inode: Inode, writable: Bool, source: Source, window: ReadAheadWindow) {
        self.inode = inode
        self.writable = writable
        self.source = source
        self.window = window
    }

    var staged: StagedContent? {
        lock.withLock { if case .staged(let content) = source { content } else { nil } }
    }

    /// Switches a reader to staged content (an `ftruncate` or a write through another handle of the same open).
    func use(_ content: StagedContent) { lock.withLock { source = .staged(content) } }

    func read(offset: Int64, length: Int) async throws -> [UInt8] {
        let (current, windowCopy) = lock.withLock { (source, window) }
        switch current {
        case .staged(let content):
            return try content.read(offset: offset, length: length)
        case .remote(let reader):
            var updated = windowCopy
            let bytes = try await reader.read(offset: offset, length: length, window: &updated)
            lock.withLock { window = updated }
            return bytes
        }
    }
}
