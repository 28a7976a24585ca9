import Cache
import Foundation

/// Files whose new version from Box is being applied: from the first invalidation of the kernel's inode to
/// the second (see ``EventApplier/apply(_:)``), with the version they had before.
///
/// Within that window the kernel may size the file by either version (a getattr before the store update got
/// the old size and keeps it until the second invalidation), so a reader's first read keeps to the previous
/// version: reading the new one against the old size gave fsx the new bytes cut short, or padded with zeros.
/// Once the window closes the kernel holds no old size, and first reads take the new version.
///
/// Readers never wait for the window: a kernel notification can itself wait for a read in flight.
/// A lock, never held across a suspension.
final class VersionSwitches: @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`: the record each switching inode had before, and how many switches are open on it.
    private var switching: [Inode: (previous: ItemRecord, count: Int)] = [:]

    func begin(_ inode: Inode, previous: ItemRecord) {
        lock.withLock {
            if let open = switching[inode] {
                switching[inode] = (open.previous, open.count + 1)
            } else {
                switching[inode] = (previous, 1)
            }
        }
    }

    func end(_ inode: Inode) {
        lock.withLock {
            guard let open = switching[inode] else { return }
            switching[inode] = open.count > 1 ? (open.previous, open.count - 1) : nil
        }
    }

    /// The record `inode` had before the new version now being applied, or nil outside any switch.
    func previous(of inode: Inode) -> ItemRecord? { lock.withLock { switching[inode]?.previous } }
}
