import Cache
import Foundation
import Logging

/// Uploads closed files to Box in the background, durably: every upload is in the SQLite journal (with its
/// staging file) before `close(2)` returns, runs with bounded parallelism, is retried with backoff until Box
/// takes it, and is replayed after a crash or reboot. Uploads of one file run in order; a queued upload made
/// obsolete by a newer close of the same file is dropped without touching the network.
///
/// An actor: it owns the per-inode queues and the table of newest local content, which lookups and reads
/// consult; the uploads themselves run in tasks outside it.
actor UploadQueue {
    private let store: MetadataStore
    private let staging: StagingArea
    private let uploader: Uploader
    private let logger: Logger
    private let slots: AsyncSemaphore
    private let maximumBackoff: Duration
    /// Run when an inode has no uploads left, so Box catches up with the file's name, place and mtime and
    /// Box's record can be the truth again (see ``Settler``).
    private let settled: @Sendable (Inode) async -> Void

    /// Uploads waiting or running, oldest first, per inode.
    private var queues: [Inode: [UploadJournalEntry]] = [:]
    private var workers: [Inode: Task<Void, Never>] = [:]
    /// The staging file holding the newest content of an inode until Box has it.
    private var newestContent: [Inode: String] = [:]
    private var waiters: [Inode: [CheckedContinuation<Void, Never>]] = [:]
    /// Files with a metadata change (an mtime) held back a moment, in case a rename comes to carry it along.
    private var deferred: [Inode: Task<Void, Never>] = [:]
    /// New files whose upload waits for a rename (rsync's temporary files; see ``TemporaryFileNames``): the
    /// timer that uploads them anyway. A held inode has a queue but no worker.
    private var held: [Inode: Task<Void, Never>] = [:]
    /// Told how long each upload Box took was journaled for (the mount's metrics).
    private var uploadedObserver: (@Sendable (Duration) -> Void)?

    init(store: MetadataStore, staging: StagingArea, uploader: Uploader, parallelUploads: Int,
         maximumBackoff: Duration = .seconds(300), logger: Logger, settled: @escaping @Sendable (Inode) async -> Void) {
        self.settled = settled
        self.store = store
        self.staging = staging
        self.uploader = uploader
        self.slots = AsyncSemaphore(parallelUploads)
        self.maximumBackoff = maximumBackoff
        self.logger = logger
    }

    /// The staging file holding content of `inode` that Box doesn't have yet, if any.
    func pendingContent(of inode: Inode) -> String? { newestContent[inode] }

    /// Registers the observer of finished uploads.
    func onUploaded(_ observer: @escaping @Sendable (Duration) -> Void) { uploadedObserver = observer }

    /// Number of uploads waiting or running.
    var pendingCount: Int { queues.values.reduce(0) { $0 + $1.count } }

    /// Journals the staging file as the newest content of `inode` (an upload to `target`) and schedules it.
    /// When this returns, the data survives a crash.
    ///
    /// - Parameter hold: How long the upload waits for ``releaseHeld(_:)`` (a rename) before it starts, if no
    ///   earlier upload of the file is running. The journal doesn't record the hold: after a crash the file is
    ///   uploaded under the name it has.
    /// - Parameter journaled: Runs once the upload is journaled and readers find it here, before it can start:
    ///   the closing writer lets go of its content there. Letting go after this returned raced a small file's
    ///   upload, whose settle step found the file still closing and skipped it for good (`user.box.pending`
    ///   stayed 1; seen by fsx).
    func enqueue(
        inode: Inode, stagingPath: String, target: Cache.UploadTarget, size: Int64, mtime: Timestamp,
        holdFor hold: Duration? = nil, journaled: @Sendable () -> Void = {}
    ) throws {
        let entry = try store.addUpload(
            stagingPath: stagingPath, target: target, size: size, mtimeNanoseconds: mtime.nanosecondsSince1970)
        schedule(entry, for: inode, hold: hold)
        // The worker schedule() started runs on this actor, so not before this method returns.
        journaled()
    }

    /// Re-schedules what the journal holds from an earlier run. Entries whose staging file is gone can't be
    /// uploaded; they are logged and dropped.
    func replayJournal() throws {
        for entry in try store.uploads() {
            guard FileManager.default.fileExists(atPath: entry.stagingPath) else {
                logger.error("upload \(entry.id): staging file \(entry.stagingPath) is missing; dropping the entry")
                try store.removeUpload(entry.id)
                continue
            }
            guard let inode = try inode(for: entry.target) else {
                logger.error("upload \(entry.id): its file is no longer in the cache; keeping \(entry.stagingPath)")
                continue
            }
            logger.notice("resuming upload \(entry.id) of \(entry.size) bytes from \(entry.stagingPath)")
            schedule(entry, for: inode)
        }
    }

    /// Settles `inode` (sends its local name, place and mtime to Box) after `delay`, or at once through
    /// ``settleDeferred(_:)``. A running upload settles the file anyway when it is done.
    func settleSoon(_ inode: Inode, after delay: Duration) {
        guard deferred[inode] == nil else { return }
        deferred[inode] = Task {
            try? await Task.sleep(for: delay)
            await self.settleDeferred(inode)
        }
    }

    /// Whether `inode`'s only pending work is a held-back metadata change (no upload queued or settling).
    func isHoldingMetadataOnly(_ inode: Inode) -> Bool {
        deferred[inode] != nil && queues[inode] == nil && workers[inode] == nil
    }

    /// Sends held-back metadata changes now: of `inode`, or of every file (unmount).
    func settleDeferred(_ inode: Inode? = nil) async {
        for held in inode.map({ [$0] }) ?? Array(deferred.keys) where deferred.removeValue(forKey: held) != nil {
            if workers[held] == nil { await settled(held) }
        }
    }

    /// Starts the upload of `inode` held by ``enqueue(inode:stagingPath:target:size:mtime:holdFor:journaled:)``
    /// now. Returns whether one was held.
    @discardableResult
    func releaseHeld(_ inode: Inode) -> Bool {
        guard let timer = held.removeValue(forKey: inode) else { return false }
        timer.cancel()
        if queues[inode] != nil, workers[inode] == nil { workers[inode] = Task { await self.work(on: inode) } }
        return true
    }

    /// Runs `change` if `inode`'s upload is held, and returns whether it ran. The upload stays held: nothing can
    /// start it meanwhile (this is the actor), so `change` may rewrite the journal entry it will read.
    func whileHeld(_ inode: Inode, _ change: @Sendable () throws -> Void) rethrows -> Bool {
        guard held[inode] != nil else { return false }
        try change()
        return true
    }

    /// Returns when every upload of `inode` queued so far is on Box (fsync(2)); a held one starts now.
    func waitUntilUploaded(_ inode: Inode) async {
        releaseHeld(inode)
        guard queues[inode] != nil else { return }
        await withCheckedContinuation { waiters[inode, default: []].append($0) }
    }

    /// Returns when the queue is empty (unmount), or after `timeout`, whichever comes first.
    func drain(timeout: Duration) async -> Bool {
        for inode in Array(held.keys) { releaseHeld(inode) }
        let deadline = ContinuousClock.now + timeout
        while !queues.isEmpty, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(100))
        }
        return queues.isEmpty
    }

    /// Drops queued (not running) uploads of an inode whose file was deleted; the running one finishes and is
    /// then found to have no target.
    func discard(_ inode: Inode) {
        if let timer = held.removeValue(forKey: inode) {
            timer.cancel()
            for entry in queues.removeValue(forKey: inode) ?? [] { forget(entry) }
            newestContent[inode] = nil
            return
        }
        guard var queue = queues[inode], queue.count > 1 else { return }
        for entry in queue.dropFirst() { forget(entry) }
        queue.removeSubrange(1...)
        queues[inode] = queue
        newestContent[inode] = nil
    }

    // MARK: - Scheduling

    private func schedule(_ entry: UploadJournalEntry, for inode: Inode, hold: Duration? = nil) {
        var queue = queues[inode] ?? []
        // A waiting upload of older content is pointless now; a running one (index 0) can't be recalled.
        let running = workers[inode] == nil ? 0 : 1
        if queue.count > running {
            for obsolete in queue[running...] { forget(obsolete) }
            queue.removeSubrange(running...)
        }
        queue.append(entry)
        queues[inode] = queue
        newestContent[inode] = entry.stagingPath
        guard workers[inode] == nil else { return }
        if let hold {
            held[inode]?.cancel()
            held[inode] = Task {
                try? await Task.sleep(for: hold)
                if !Task.isCancelled { await self.releaseHeld(inode) }
            }
        } else if !releaseHeld(inode) {
            workers[inode] = Task { await self.work(on: inode) }
        }
    }

    private func work(on inode: Inode) async {
        repeat {
            while let entry = queues[inode]?.first {
                await slots.wait()
                await uploadUntilDone(entry, inode: inode)
                await slots.signal()
                queues[inode]?.removeFirst()
                if queues[inode]?.isEmpty == true { queues[inode] = nil }
            }
            // Awaits Box; a close enqueued meanwhile finds this worker still registered, so loop for it.
            await settled(inode)
        } while queues[inode] != nil
        workers[inode] = nil
        for waiter in waiters.removeValue(forKey: inode) ?? [] { waiter.resume() }
    }

    private func uploadUntilDone(_ entry: UploadJournalEntry, inode: Inode) async {
        var backoff = Duration.seconds(1)
        while true {
            do {
                try await uploader.upload(entry, inode: inode)
                uploadedObserver?(.seconds(Date().timeIntervalSince(entry.createdAt)))
                forget(entry)
                return
            } catch {
                // Re-read: the uploader journals chunked-upload progress into the entry as it goes.
                var current = (try? store.upload(entry.id)) ?? entry
                current.attempts += 1
                current.state = .failed
                current.lastError = String(describing: error)
                _ = try? store.updateUpload(current)
                logger.warning(
                    "upload of inode \(inode) failed (attempt \(current.attempts)); data stays staged in \(current.stagingPath), retrying in \(backoff): \(error)")
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, maximumBackoff)
            }
        }
    }

    /// Removes a finished or obsolete entry and its staging file. Every entry has a staging file of its own
    /// (a later write to the same file stages a copy), so nothing else needs it; open readers keep their fd.
    private func forget(_ entry: UploadJournalEntry) {
        do { try store.removeUpload(entry.id) } catch { logger.error("could not clear upload \(entry.id): \(error)") }
        try? staging.remove(path: entry.stagingPath)
        for (inode, path) in newestContent where path == entry.stagingPath { newestContent[inode] = nil }
    }

    private func inode(for target: Cache.UploadTarget) throws -> Inode? {
        switch target {
        case .newVersion(let id, _):
            return try store.inode(for: id)
        case .newFile(let parent, let name):
            guard let record = try store.child(of: parent, named: name) else { return nil }
            return try store.inode(for: record.id)
        }
    }
}
