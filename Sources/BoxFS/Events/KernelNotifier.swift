import Cache

/// Tells the kernel to drop what it cached about names and inodes that changed on Box (or that the daemon
/// changed on its own, such as a conflict resolved after close), so `ls` and `cat` see the change at once instead
/// of after the kernel's own timeouts, which are long while events are followed (``FreshnessPolicy``).
///
/// A seam rather than the session itself: the follower starts before the mount exists (it catches up on
/// changes made while unmounted before the first request is served).
final class KernelNotifier: @unchecked Sendable {
    // Set once, when the session is mounted; read from the follower's task only afterwards.
    private(set) weak var session: FUSESession?

    func attach(_ session: FUSESession) { self.session = session }

    func nameChanged(_ name: String, in parent: Inode) { session?.invalidateEntry(parent: parent, name: name) }

    func contentChanged(_ inode: Inode) { session?.invalidate(inode: inode) }

    func attributesChanged(_ inode: Inode) { session?.invalidateAttributes(of: inode) }
}
