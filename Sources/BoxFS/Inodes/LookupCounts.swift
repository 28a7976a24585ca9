import Cache
import Foundation

/// The kernel's lookup count per inode (see libfuse's `forget`): every reply that hands the kernel an inode
/// (lookup, create, mkdir, readdirplus entries) adds one; `forget` subtracts what the kernel says it dropped.
///
/// The numbers themselves are persistent (the metadata store maps ids to inodes), so the counts only tell us
/// which inodes the kernel may still ask about: an inode with a nonzero count must stay resolvable even if its
/// item vanished from Box, so that operations on it answer ESTALE/ENOENT rather than hitting another file.
///
/// It also keeps when each inode's entry was last handed over, so readdirplus can leave out entries the kernel
/// holds fresh ones of (see ``answeredRecently(_:within:)``).
///
/// A lock, not an actor: `forget` arrives without a reply to send and must not wait behind other work.
final class LookupCounts: @unchecked Sendable {
    private struct Handed {
        var count: UInt64
        var at: ContinuousClock.Instant
    }

    private let lock = NSLock()
    // Guarded by `lock`.
    private var handed: [Inode: Handed] = [:]

    /// Counts one reply handing `inode` (its entry and attributes) to the kernel.
    func remember(_ inode: Inode) {
        let now = ContinuousClock.now
        lock.withLock { handed[inode] = Handed(count: (handed[inode]?.count ?? 0) + 1, at: now) }
    }

    /// Returns true if the kernel no longer references `inode`.
    @discardableResult
    func forget(_ inode: Inode, lookups: UInt64) -> Bool {
        lock.withLock {
            let count = handed[inode]?.count ?? 0
            let left = count - min(count, lookups)
            if left == 0 { handed[inode] = nil } else { handed[inode]?.count = left }
            return left == 0
        }
    }

    func count(of inode: Inode) -> UInt64 { lock.withLock { handed[inode]?.count ?? 0 } }

    /// Whether the kernel references `inode` and was handed its entry less than `interval` ago, so it still
    /// holds it, unexpired, unless told to drop it (and a drop comes with its own invalidation).
    func answeredRecently(_ inode: Inode, within interval: Duration) -> Bool {
        let now = ContinuousClock.now
        return lock.withLock { handed[inode].map { now - $0.at < interval } ?? false }
    }

    /// Inodes the kernel still references; after unmount this should be only what it never forgot.
    var referencedInodes: Int { lock.withLock { handed.count } }
}
