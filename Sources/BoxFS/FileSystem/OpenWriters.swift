import Cache
import Foundation

/// The staged content of every file open for writing, by inode, so all writers of a file share one copy and
/// `stat` sees the size being written.
///
/// A lock: the table is touched on every write and getattr and never held across a suspension.
final class OpenWriters: @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`.
    private var contents: [Inode: StagedContent] = [:]

    func content(of inode: Inode) -> StagedContent? { lock.withLock { contents[inode] } }

    func isOpen(_ inode: Inode) -> Bool { lock.withLock { contents[inode] != nil } }

    /// The content writers of `inode` share, creating it with `make` for the first writer.
    func attach(_ inode: Inode, make: () throws -> StagedContent) rethrows -> StagedContent {
        try lock.withLock {
            let content = try contents[inode] ?? make()
            contents[inode] = content
            content.addWriter()
            return content
        }
    }

    /// Detaches a writer; returns the content when it was the last one (the caller then uploads it).
    func detach(_ inode: Inode) -> StagedContent? {
        lock.withLock {
            guard let content = contents[inode], content.removeWriter() else { return nil }
            contents[inode] = nil
            return content
        }
    }
}
