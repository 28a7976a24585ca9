import Cache
import Foundation

/// The staged content of every file open for writing, by inode, so all writers of a file share one copy and
/// `stat` and new readers see the data being written.
///
/// Content whose last writer has gone stays here, *closing*, until the upload queue has journaled it; otherwise
/// a `stat` or `cat` right after `close(2)` (the kernel sends the release asynchronously) could fall between
/// the two and see the previous version.
///
/// A lock: the table is touched on every write and getattr and never held across a suspension.
final class OpenWriters: @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`.
    private var open: [Inode: StagedContent] = [:]
    private var closing: [Inode: StagedContent] = [:]

    /// The newest local content of `inode` while it is open for writing or being handed to the upload queue.
    func content(of inode: Inode) -> StagedContent? { lock.withLock { open[inode] ?? closing[inode] } }

    func isOpen(_ inode: Inode) -> Bool { lock.withLock { open[inode] != nil || closing[inode] != nil } }

    /// True while the last writer's content is being journaled; new writers wait for it to finish so that
    /// they start from it.
    func isClosing(_ inode: Inode) -> Bool { lock.withLock { closing[inode] != nil } }

    /// The content writers of `inode` share, creating it with `make` for the first writer.
    func attach(_ inode: Inode, make: () throws -> StagedContent) rethrows -> StagedContent {
        try lock.withLock {
            let content = try open[inode] ?? make()
            open[inode] = content
            content.addWriter()
            return content
        }
    }

    /// Adds a writer to content already open for writing, if there is any.
    func attachIfOpen(_ inode: Inode) -> StagedContent? {
        lock.withLock {
            guard let content = open[inode] else { return nil }
            content.addWriter()
            return content
        }
    }

    /// Detaches a writer; when it was the last one, returns the content, now closing: the caller hands it to
    /// the upload queue and then calls ``finishClosing(_:_:)``.
    func detach(_ inode: Inode) -> StagedContent? {
        lock.withLock {
            guard let content = open[inode], content.removeWriter() else { return nil }
            open[inode] = nil
            closing[inode] = content
            return content
        }
    }

    /// Ends the closing of `content`; a later close's content, closing by now, stays.
    func finishClosing(_ inode: Inode, _ content: StagedContent) {
        lock.withLock {
            if closing[inode] === content { closing[inode] = nil }
        }
    }
}
