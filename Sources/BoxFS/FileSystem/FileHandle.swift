import Cache
import Foundation

/// An open file.
///
/// Readers read the version that was current at their first read (normally the one current at `open`), through
/// the block cache, or the staged content if the file has changes Box doesn't have yet. Writers share the inode's ``StagedContent`` with every other writer of
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
    /// Set by the first read: from then on the handle keeps its version (see ``followIfUnread(_:)``).
    private var hasRead = false

    init(inode: Inode, writable: Bool, source: Source, window: ReadAheadWindow) {
        self.inode = inode
        self.writable = writable
        self.source = source
        self.window = window
    }

    /// Set when a writer's content was handed to the upload queue at a close while this handle stays open
    /// (write-through with a dup'd descriptor still open); a later write stages the file again.
    private var committed = false

    var staged: StagedContent? {
        lock.withLock { if case .staged(let content) = source { content } else { nil } }
    }

    /// The content this writer may still write to, or nil once it was handed to the upload queue.
    var writableContent: StagedContent? {
        lock.withLock {
            guard !committed, case .staged(let content) = source else { return nil }
            return content
        }
    }

    /// Marks this writer's content as handed to the upload queue; reads still see it.
    func markCommitted() { lock.withLock { committed = true } }

    var isCommitted: Bool { lock.withLock { committed } }

    /// Gives a committed writer fresh content to write to. Returns false if another write did it first.
    func restage(_ content: StagedContent) -> Bool {
        lock.withLock {
            guard committed else { return false }
            committed = false
            source = .staged(content)
            return true
        }
    }

    /// The Box version a reader will read, while it has read nothing yet; nil afterwards and for staged content.
    var unreadVersion: String? {
        lock.withLock {
            guard !hasRead, case .remote(let reader) = source else { return nil }
            return reader.version
        }
    }

    /// Moves a reader that has read nothing yet to `newer`: a version that replaced the one current at open
    /// before the first read. The kernel sizes the file by the newer version by then, and would cut the old
    /// one's bytes to that size (or pad them with zeros): a read that is neither version.
    func followIfUnread(_ newer: VersionReader) {
        lock.withLock {
            guard !hasRead, case .remote = source else { return }
            source = .remote(newer)
        }
    }

    func read(offset: Int64, length: Int) async throws -> ReadData {
        // The window moves before the read waits: the kernel's parallel reads of one handle each see the
        // ones issued before them, so the window grows instead of being overwritten by stale copies.
        let (current, prefetch) = lock.withLock { () -> (Source, Range<Int64>) in
            hasRead = true
            guard case .remote(let reader) = source else { return (source, 0..<0) }
            return (source, reader.prefetchRange(offset: offset, length: length, window: &window))
        }
        switch current {
        case .staged(let content):
            return .bytes(try content.read(offset: offset, length: length))
        case .remote(let reader):
            return try await reader.read(offset: offset, length: length, prefetching: prefetch)
        }
    }
}
