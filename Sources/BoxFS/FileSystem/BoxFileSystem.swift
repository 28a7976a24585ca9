import Cache
import Foundation
import Logging

/// Box as a POSIX filesystem: the ``FUSEOperations`` the FUSE session calls.
///
/// The parts, as in mountpoint-s3: the ``ItemCatalog`` answers names and attributes (the metadata store plus
/// Box), readers go through the ``BlockFetcher`` and block cache with read-ahead, writers stage locally and the
/// ``UploadQueue`` puts closed files on Box. The operations themselves are split by concern across the
/// `BoxFileSystem+*.swift` files; every one runs through ``run(_:_:)`` so errors reach the kernel as exactly
/// one errno, chosen in ``ErrnoMapping``.
final class BoxFileSystem: FUSEOperations, Sendable {
    let catalog: ItemCatalog
    let client: BoxClient
    let fetcher: BlockFetcher
    let staging: StagingArea
    let uploads: UploadQueue
    let options: FileSystemOptions
    let logger: Logger
    let lookups = LookupCounts()
    let localChanges: LocalChanges
    let files = HandleTable<FileHandle>()
    let directories = HandleTable<DirectoryHandle>()
    let writers = OpenWriters()
    let quota: QuotaCache
    let freshness: FreshnessPolicy
    let blockCache: BlockCache
    let kernelCachedVersions = KernelCachedVersions()
    let kernelCachedListings = KernelCachedListings()
    /// Files whose new version is being applied, for readers' first reads.
    let versionSwitches = VersionSwitches()
    /// Items deleted here, so their late events don't bring them back.
    let deletedItems = DeletedItems()
    /// The one timer behind every operation's `operation_timeout`.
    let deadlines = OperationDeadlines()
    /// Kernel cache invalidation for changes seen in Box's events; attached once the session is mounted.
    let notifier: KernelNotifier
    /// Keeps a rename and the settle step of the same file from interleaving their updates on Box.
    let metadataLocks = MetadataUpdateLocks()

    init(store: MetadataStore, blockCache: BlockCache, staging: StagingArea, client: BoxClient,
         options: FileSystemOptions, logger: Logger) {
        let localChanges = LocalChanges()
        self.localChanges = localChanges
        self.blockCache = blockCache
        self.freshness = FreshnessPolicy(
            ttl: options.metadataTTL, ttlWithEvents: options.metadataTTLWithEvents,
            kernelTimeoutWithEvents: options.kernelCacheTimeout)
        self.catalog = ItemCatalog(
            store: store, client: client, freshness: freshness, localChanges: localChanges, logger: logger)
        self.client = client
        self.staging = staging
        self.options = options
        self.logger = logger
        self.quota = QuotaCache(client: client)
        self.fetcher = BlockFetcher(cache: blockCache, memoryBudget: options.readAheadMemory, logger: logger) {
            item, version, range, consume in
            try await client.download(
                item, range: range.lowerBound...(range.upperBound - 1), version: version.hasPrefix("sha1:") ? nil : version
            ) { chunk in try chunk.withUnsafeReadableBytes(consume) }
        }
        let notifier = KernelNotifier()
        self.notifier = notifier
        let uploader = Uploader(store: store, client: client, localChanges: localChanges, notifier: notifier, logger: logger)
        let settler = Settler(
            store: store, client: client, localChanges: localChanges, writers: writers, notifier: notifier,
            metadataLocks: metadataLocks, logger: logger)
        self.uploads = UploadQueue(
            store: store, staging: staging, uploader: uploader, parallelUploads: options.parallelUploads,
            logger: logger, settled: { await settler.settle($0) })
    }

    /// Re-queues uploads a previous run left in the journal, restoring their local records first.
    func resumeUploads() async throws {
        for entry in try catalog.store.uploads() {
            let id: ItemID? = switch entry.target {
            case .newVersion(let id, _): id
            case .newFile(let parent, let name): try catalog.store.child(of: parent, named: name)?.id
            }
            if let id, var record = try catalog.store.item(id) {
                record.size = entry.size
                localChanges.set(record)
            }
        }
        try await uploads.replayJournal()
    }

    /// The follower of Box's events stream that keeps this filesystem's caches current.
    func makeEventFollower() -> EventFollower {
        let applier = EventApplier(
            store: catalog.store, blocks: blockCache, localChanges: localChanges, notifier: notifier,
            switches: versionSwitches, deleted: deletedItems, logger: logger)
        return EventFollower(client: client, store: catalog.store, applier: applier, policy: freshness, logger: logger)
    }

    /// Runs one operation, turning any error into the errno the kernel gets.
    ///
    /// - Parameter bounded: whether the operation gives up after `operationTimeout` (with EIO), so that a
    ///   process never hangs on an unreachable Box. Closing and fsync wait for uploads instead: they are
    ///   local work plus a queue that retries.
    func run<T: Sendable>(
        _ operation: @autoclosure () -> String, bounded: Bool = true, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        do {
            guard bounded, options.operationTimeout > 0 else { return try await body() }
            return try await withDeadline(options.operationTimeout, body)
        } catch {
            throw ErrnoMapping.map(error, operation: operation(), logger: logger)
        }
    }

    /// Runs `body`, but returns (throwing ``FileSystemError/timedOut(_:)``) once `seconds` have passed even if
    /// `body` is still waiting; it is then cancelled and finishes in the background (a block it was fetching
    /// still lands in the cache). A task group wouldn't do: it waits for its children, and a shared download
    /// awaited by many readers doesn't end when one of them gives up.
    func withDeadline<T: Sendable>(
        _ seconds: TimeInterval, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let state = Locked<(answered: Bool, work: Task<Void, Never>?)>((false, nil))
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
                /// Resumes the caller once, with whichever outcome comes first.
                @Sendable func answer(_ result: Result<T, Error>) {
                    let first = state.withLock { s -> Bool in
                        defer { s.answered = true }
                        return !s.answered
                    }
                    if first { continuation.resume(with: result) }
                }
                let deadline = deadlines.schedule(after: .seconds(seconds)) {
                    answer(.failure(FileSystemError.timedOut(seconds)))
                    state.withLock { $0.work }?.cancel()
                }
                let work = Task { [deadlines] in
                    do { answer(.success(try await body())) } catch { answer(.failure(error)) }
                    deadlines.cancel(deadline)
                }
                state.withLock { $0.work = work }
            }
        } onCancel: {
            // The kernel interrupted the request: stop waiting for Box.
            state.withLock { $0.work }?.cancel()
        }
    }

    func initialize(_ connection: inout FUSEConnection) {
        // Parallel reads feed the block fetcher's parallel range downloads; readdirplus saves a lookup per name.
        connection.wanted.formUnion(connection.capable.intersection([
            .asyncRead, .readdirPlus, .readdirPlusAuto, .atomicOpenTruncate, .parallelDirectoryOperations,
        ]))
        // Cached blocks are answered by splicing their files into /dev/fuse (see `ReadData.files`): one kernel
        // copy instead of a read into our memory and a write out of it.
        connection.wanted.formUnion(connection.capable.intersection(.spliceWrite))
        // No POSIX ACLs (Box has none): the kernel passes ACL requests to getxattr, which answers EOPNOTSUPP at
        // once, and `ls -l` stops asking after the first entry. With FUSE_POSIX_ACL the kernel would ask once
        // per inode and cache, but an error from that query fails permission checks, so only ENODATA would do,
        // and that costs a round trip for every entry of a folder listed for the first time.
        connection.wanted.subtract(.posixACL)
        // Kernel read-ahead of 4 MiB: sequential reads arrive as 1 MiB requests, several in flight.
        connection.maxReadahead = max(connection.maxReadahead, 4 << 20)
        // No writeback cache: writes must reach the staging file in order, and close() must see them all.
        connection.wanted.subtract(.writebackCache)
    }

    func forget(inode: Inode, lookups count: UInt64) {
        lookups.forget(inode, lookups: count)
    }

    func ensureWritable() throws {
        if options.readOnly { throw FileSystemError.readOnly }
    }
}
