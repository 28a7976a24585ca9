import Cache

/// One lock per file for the metadata updates (name, place, mtime) this mount sends to Box.
///
/// A rename and the settle step may both update a file on Box: rsync sets its temporary file's time (held, then
/// settled a second later) and renames it. Each compares what it holds locally with Box's answer, so they must
/// not interleave: a settle that reads Box's answer after the rename reached Box but before the rename recorded
/// the new name locally would see an "old" local name and send it, renaming the file back on Box. Holding the
/// lock from the request until its answer is recorded makes each one whole.
///
/// An actor with its own waiters rather than a lock: holders await Box while holding it.
actor MetadataUpdateLocks {
    private var held: Set<Inode> = []
    private var waiting: [Inode: [CheckedContinuation<Void, Never>]] = [:]

    /// Runs `body` while holding `inode`'s lock; callers of the same inode run one at a time, in arrival order.
    nonisolated func withLock<T: Sendable>(_ inode: Inode, _ body: () async throws -> T) async rethrows -> T {
        await acquire(inode)
        do {
            let result = try await body()
            await release(inode)
            return result
        } catch {
            await release(inode)
            throw error
        }
    }

    private func acquire(_ inode: Inode) async {
        if held.insert(inode).inserted { return }
        await withCheckedContinuation { waiting[inode, default: []].append($0) }
    }

    private func release(_ inode: Inode) {
        guard var queue = waiting[inode], !queue.isEmpty else {
            held.remove(inode)
            return
        }
        // The lock passes straight to the next waiter: `held` keeps the inode.
        queue.removeFirst().resume()
        waiting[inode] = queue.isEmpty ? nil : queue
    }
}
