import Cache
import Foundation
import Logging

/// The filesystem's view of Box metadata: answers lookups, listings and attributes from the metadata store while
/// they are fresh, and refreshes them from Box when they are not.
///
/// Whole listings are the unit of freshness: one `GET /folders/{id}/items` (a page per 1,000 entries) answers
/// every lookup and `stat` in that folder for `ttl`, which is what keeps `ls -l`, `find`, `rsync` and `tar` at a
/// handful of API calls per folder instead of one per name. Events (see `Events/`) shorten the staleness by
/// invalidating listings as Box reports changes.
final class ItemCatalog: Sendable {
    let store: MetadataStore
    let client: BoxClient
    /// How long a fetched listing or item answers without asking Box again.
    let freshness: FreshnessPolicy
    let localChanges: LocalChanges
    private let loads: ListingLoads
    /// Folders whose first page was not the whole listing: lookups there go straight to the preflight probe.
    /// In memory only; after a restart one more first page finds out again.
    private let bigFolders = Locked<Set<ItemID>>([])
    private let logger: Logger

    init(store: MetadataStore, client: BoxClient, freshness: FreshnessPolicy, localChanges: LocalChanges, logger: Logger) {
        self.store = store
        self.localChanges = localChanges
        self.client = client
        self.freshness = freshness
        self.loads = ListingLoads()
        self.logger = logger
    }

    var rootID: ItemID { store.rootFolderID }

    /// The item behind `inode`; throws ``FileSystemError/staleInode(_:)`` for numbers the store never issued.
    func id(of inode: Inode) throws -> ItemID {
        guard let id = try store.itemID(for: inode) else { throw FileSystemError.staleInode(inode) }
        return id
    }

    func inode(of id: ItemID) throws -> Inode { try store.inode(for: id) }

    /// The current record of `id`, refreshed from Box if older than the TTL.
    func item(_ id: ItemID) async throws -> ItemRecord {
        if let local = localChanges.record(for: id) { return local }
        let cached = try store.item(id)
        if let cached, isFresh(cached.fetchedAt) { return cached }
        if id == .root { return try allFilesRecord(cached: cached) }
        if id == rootID {
            let record = try await client.folder(id).record(fetchedAt: Date(), parentOverride: nil)
            try store.upsert(record)
            return record
        }
        do {
            // A record we hold is revalidated by its etag: unchanged costs a 304 with no body.
            let kind = cached?.kind ?? .file
            guard let fetched = try await client.itemIfChanged(id, kind: kind, etag: cached?.etag) else {
                // nil only answers an etag we sent, so there is a cached record.
                guard var current = cached, let etag = current.etag else {
                    throw BoxAPIError.invalidResponse("304 without a cached record")
                }
                current.fetchedAt = Date()
                // Changed here meanwhile (an event): that newer record is the answer.
                if try !store.confirm(id, etag: etag, at: current.fetchedAt) { return try store.item(id) ?? current }
                return current
            }
            let record = fetched.record(fetchedAt: Date())
            try store.upsert(record)
            return record
        } catch let error as BoxAPIError where error.isNotFound {
            try store.remove(id)
            throw FileSystemError.notFound
        } catch let error as BoxAPIError where error.isUnavailable {
            // Offline: what we knew is a better answer than EIO.
            guard let cached else { throw error }
            logger.info("Box unavailable (\(error)); serving cached attributes of \(id)")
            return cached
        }
    }

    /// The child of `parent` named exactly `name`.
    ///
    /// Box compares names case-insensitively, but a POSIX directory doesn't: "Readme" does not find "README"
    /// (creating it fails with EEXIST instead, as Box would refuse it).
    func lookup(_ name: String, in parent: ItemID) async throws -> ItemRecord {
        guard let child = try await conflictingChild(named: name, in: parent), child.name == name else {
            throw FileSystemError.notFound
        }
        return child
    }

    /// The child whose name matches `name` case-insensitively, if any: what Box would call a name conflict.
    ///
    /// Answered from a fresh listing, a fresh record or negative entry of the name, by asking Box about this one
    /// name in a folder never listed (see ``probe(_:in:)``), or else by listing the folder again.
    func conflictingChild(named name: String, in parent: ItemID) async throws -> ItemRecord? {
        if let known = try cachedConflictingChild(named: name, in: parent) { return known.record }
        // Never listed: it may hold 100,000 entries, so don't list all of it for one name. A listed folder is
        // listed again, which refreshes its siblings too.
        if try store.listingFetchedAt(parent) == nil {
            switch try await lookUpInUnlisted(name, in: parent) {
            case .absent: return nil
            case .present(let child): return child
            case .unknown: break
            }
        }
        try await ensureListing(of: parent)
        return try store.child(of: parent, named: name)
    }

    /// A name in a folder never listed: its first page of entries (one call) is the whole listing of almost
    /// every folder, and is then kept as one, answering the siblings' lookups too. A folder with more pages is
    /// remembered as big, and its names are asked about one by one (``probe(_:in:)``, at most two calls).
    private func lookUpInUnlisted(_ name: String, in parent: ItemID) async throws -> ProbeAnswer {
        if !bigFolders.withLock({ $0.contains(parent) }) {
            try await loads.load(.firstPage(parent)) { [self] in
                let fetchedAt = Date()
                let (items, isComplete) = try await client.folderItemsFirstPage(parent)
                if isComplete {
                    try storeListing(of: parent, items, at: fetchedAt)
                } else {
                    bigFolders.withLock { _ = $0.insert(parent) }
                }
            }
            if isFresh(try store.listingFetchedAt(parent)) {
                return try store.child(of: parent, named: name).map(ProbeAnswer.present) ?? .absent
            }
        }
        return try await probe(name, in: parent)
    }

    /// What the cache alone can say about a name.
    enum CachedName {
        case present(ItemRecord)
        case absent

        var record: ItemRecord? {
            if case .present(let record) = self { record } else { nil }
        }
    }

    /// ``conflictingChild(named:in:)`` answered from a fresh listing, a fresh (or local) record of the child or
    /// a fresh negative entry; nil when only Box can answer.
    func cachedConflictingChild(named name: String, in parent: ItemID) throws -> CachedName? {
        let child = try store.child(of: parent, named: name)
        if isFresh(try store.listingFetchedAt(parent)) { return child.map(CachedName.present) ?? .absent }
        if let child, isFresh(child.fetchedAt) || localChanges.record(for: child.id) != nil { return .present(child) }
        if isFresh(try store.absenceRecordedAt(of: name, in: parent)) { return .absent }
        return nil
    }

    /// ``item(_:)`` when the cache alone can answer (a local change or a fresh record); nil when only Box can.
    func cachedItem(_ id: ItemID) throws -> ItemRecord? {
        if let local = localChanges.record(for: id) { return local }
        if let cached = try store.item(id), isFresh(cached.fetchedAt) { return cached }
        return nil
    }

    /// Every child of `folder`, from a fresh listing.
    func children(of folder: ItemID) async throws -> [ItemRecord] {
        try await ensureListing(of: folder)
        return try store.children(of: folder)
    }

    /// The children with their inode numbers and the store generation they are current at (for opendir).
    func childrenSnapshot(of folder: ItemID) async throws -> ChildrenSnapshot {
        try await ensureListing(of: folder)
        return try store.childrenSnapshot(of: folder)
    }

    /// ``childrenSnapshot(of:)`` when the cached listing is fresh; nil when Box must be asked.
    func cachedChildrenSnapshot(of folder: ItemID) throws -> ChildrenSnapshot? {
        guard isFresh(try store.listingFetchedAt(folder)) else { return nil }
        return try store.childrenSnapshot(of: folder)
    }

    /// Forgets that the listing of `folder` is fresh, so the next lookup asks Box.
    func invalidateListing(of folder: ItemID) {
        do { try store.invalidateListing(folder) } catch { logger.warning("could not invalidate \(folder): \(error)") }
    }

    /// What Box's upload preflight says about one name: `OPTIONS /files/content` with the name and folder answers
    /// 409 with the item holding the name (any case), then one `GET` fills in its attributes; 200 means no item has
    /// it. Two calls at most, whatever the folder's size, where a listing costs one per 1,000 entries.
    ///
    /// - Returns: `.unknown` when the preflight can't answer (a folder we may read but not upload to, or a name
    ///   Box rejects outright); the caller lists the folder instead.
    private func probe(_ name: String, in parent: ItemID) async throws -> ProbeAnswer {
        do {
            try await client.preflight(name: name, parent: parent, size: nil)
            try store.recordAbsence(of: name, in: parent, at: Date())
            return .absent
        } catch BoxAPIError.nameConflict(let existing?, _) {
            guard let kind = existing.kind else { return .absent }  // a web link, which the mount doesn't show
            let fetched: BoxItem
            do {
                fetched = kind == .folder ? try await client.folder(existing.id) : try await client.file(existing.id)
            } catch let error as BoxAPIError where error.isNotFound {
                return .unknown  // deleted since the preflight: let the listing decide
            }
            let record = fetched.record(fetchedAt: Date(), parentOverride: parent)
            try store.upsert(record)
            return .present(record)
        } catch let error as BoxAPIError where error.isNotFound {
            throw FileSystemError.notFound
        } catch let error as BoxAPIError where !error.isUnavailable {
            logger.debug("preflight can't look up \(name) in \(parent) (\(error)); listing the folder")
            return .unknown
        }
    }

    private enum ProbeAnswer {
        case absent
        case present(ItemRecord)
        case unknown
    }

    /// Box's "All Files" folder always exists and has no times of its own (Box answers null), so fetching it
    /// costs a call and says nothing. Its mtime is its newest cached child's, or the time it was first seen
    /// until it is listed (listing it here could cost a call per 1,000 entries for a `stat`).
    private func allFilesRecord(cached: ItemRecord?) throws -> ItemRecord {
        let now = Date()
        let newest = try store.children(of: .root).compactMap { $0.modifiedAt ?? $0.contentModifiedAt?.date }.max()
        var record = cached ?? ItemRecord(
            id: .root, parentID: nil, name: "All Files", kind: .folder, contentModifiedAt: Timestamp(now), modifiedAt: now,
            fetchedAt: now)
        record.contentModifiedAt = newest.map(Timestamp.init) ?? record.contentModifiedAt
        record.modifiedAt = newest ?? record.modifiedAt
        record.fetchedAt = Date()
        try store.upsert(record)
        return record
    }

    private func isFresh(_ fetchedAt: Date?) -> Bool {
        guard let fetchedAt else { return false }
        return Date().timeIntervalSince(fetchedAt) < freshness.currentTTL
    }

    private func ensureListing(of folder: ItemID) async throws {
        let fetchedAt = try store.listingFetchedAt(folder)
        if isFresh(fetchedAt) { return }
        do {
            try await refreshListing(of: folder)
        } catch let error as BoxAPIError where error.isUnavailable && fetchedAt != nil {
            // Offline: keep serving the listing we have.
            logger.info("Box unavailable (\(error)); serving the cached listing of \(folder)")
        }
    }

    private func refreshListing(of folder: ItemID) async throws {
        try await loads.load(.allPages(folder)) { [self] in
            let fetchedAt = Date()
            try storeListing(of: folder, try await client.folderItems(folder), at: fetchedAt)
        }
    }

    private func storeListing(of folder: ItemID, _ entries: [BoxItem], at fetchedAt: Date) throws {
        try store.replaceListing(
            of: folder, with: entries.map { $0.record(fetchedAt: fetchedAt, parentOverride: folder) }, at: fetchedAt)
        // Files whose newest state is still on its way to Box keep their local record (and their place).
        try store.upsert(localChanges.records(in: folder), keepingSubsecondTime: false)
        if folder == .root { _ = try allFilesRecord(cached: store.item(.root)) }
    }
}

/// Single-flight listing fetches: concurrent lookups in one stale folder share one fetch.
///
/// An actor because it owns the table of fetches in flight; the fetches run outside it.
private actor ListingLoads {
    /// A whole listing and a first page are different loads: a readdir must not take a first page for the folder.
    enum Load: Hashable {
        case allPages(ItemID)
        case firstPage(ItemID)
    }

    private var running: [Load: Task<Void, Error>] = [:]

    func load(_ load: Load, _ body: @escaping @Sendable () async throws -> Void) async throws {
        if let task = running[load] { return try await task.value }
        let task = Task { try await body() }
        running[load] = task
        defer { running[load] = nil }
        try await task.value
    }
}
