import Cache
import Foundation

/// The kernel's lookup count per inode (see libfuse's `forget`): every reply that hands the kernel an inode
/// (lookup, create, mkdir, readdirplus entries) adds one; `forget` subtracts what the kernel says it dropped.
///
/// The numbers themselves are persistent (the metadata store maps ids to inodes), so the counts only tell us
/// which inodes the kernel may still ask about: an inode with a nonzero count must stay resolvable even if its
/// item vanished from Box, so that operations on it answer ESTALE/ENOENT rather than hitting another file.
///
/// A lock, not an actor: `forget` arrives without a reply to send and must not wait behind other work.
final class LookupCounts: @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`.
    private var counts: [Inode: UInt64] = [:]

    func remember(_ inode: Inode) {
        lock.withLock { counts[inode, default: 0] += 1 }
    }

    /// Returns true if the kernel no longer references `inode`.
    @discardableResult
    func forget(_ inode: Inode, lookups: UInt64) -> Bool {
        lock.withLock {
            let left = (counts[inode] ?? 0) - min(counts[inode] ?? 0, lookups)
            counts[inode] = left == 0 ? nil : left
            return left == 0
        }
    }

    func count(of inode: Inode) -> UInt64 { lock.withLock { counts[inode] ?? 0 } }

    /// Inodes the kernel still references; after unmount this should be only what it never forgot.
    var referencedInodes: Int { lock.withLock { counts.count } }
}
