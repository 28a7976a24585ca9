import Cache
import Foundation
import Logging

/// Applies Box change events to the metadata cache, the block cache and the kernel's caches.
///
/// Only what the cache already knows is touched: an event about an item in a folder nobody listed has nothing
/// to update, and fetching it would spend API calls on folders nobody looks at.
struct EventApplier: Sendable {
    let store: MetadataStore
    let blocks: BlockCache
    let localChanges: LocalChanges
    let notifier: KernelNotifier
    let switches: VersionSwitches
    let deleted: DeletedItems
    let logger: Logger

    /// Applies one event.
    ///
    /// The cache is changed under the local-changes lock, so an upload's answer (which rekeys a new file to Box's
    /// id) is either wholly before or wholly after it. The kernel is told outside that lock: a notification can
    /// wait in the kernel for a request in flight (a write holding its pages), and that request's handler may
    /// need the lock. A new version's pages and size are dropped both before and after the store shows it:
    /// before, so no read is answered from the new version while the kernel still sizes the file by the old one
    /// (it would pad the short answer with zeros); after, because a getattr in between fetched the old size again.
    /// Between the two, first reads keep to the old version (``VersionSwitches``).
    ///
    /// - Returns: whether the event changed what the mount shows; false for echoes of this mount's own changes,
    ///   stale events and items outside what the cache knows.
    @discardableResult
    func apply(_ event: BoxEvent) throws -> Bool {
        guard let source = event.source else { return false }
        var switching: Inode?
        if source.kind == .file, source.isActive, localChanges.record(for: source.id) == nil,
           let cached = try store.item(source.id), cached.fileVersionID != source.fileVersionID, !isStale(cached, source) {
            let inode = try store.inode(for: source.id)
            switches.begin(inode, previous: cached)
            switching = inode
            notifier.contentChanged(inode)
        }
        // Closed after the second invalidation below, or on a throw.
        defer { if let switching { switches.end(switching) } }
        let newVersion = switching != nil
        var names: [(name: String, parent: ItemID)] = []
        var updated = false
        try localChanges.serialized { updated = try apply(event, source: source, renamed: &names) }
        // Again now the store shows it (see above; fsx saw the new bytes, then zeros up to the old size).
        if let switching { notifier.contentChanged(switching) }
        // A rename or new mtime changes attributes without a new version; the kernel keeps them for seconds.
        if updated { notifier.attributesChanged(try store.inode(for: source.id)) }
        for entry in names { notifier.nameChanged(entry.name, in: try store.inode(for: entry.parent)) }
        return newVersion || updated || !names.isEmpty
    }

    /// - Returns: whether a cached item's record was replaced by the event's.
    private func apply(_ event: BoxEvent, source: BoxItem, renamed names: inout [(name: String, parent: ItemID)]) throws -> Bool {
        // Our own uploads and renames come back as events too; the local state is newer than those.
        if localChanges.record(for: source.id) != nil { return false }
        if let parent = source.parentID, localChanges.isCreating(source.name, in: parent) { return false }
        let cached = try store.item(source.id)
        if let cached, isStale(cached, source) { return false }
        if cached == nil, deleted.isOldNews(source.id, sequenceID: source.sequenceID) { return false }
        if !source.isActive || Self.removals.contains(event.type) {
            guard let cached else { return false }
            try store.remove(source.id)
            if let parent = cached.parentID { names.append((cached.name, parent)) }
            blocks.removeBlocks(of: source.id)
            logger.debug("event: \(cached.name) (\(source.id)) removed")
            return false
        }
        let parentKnown = try source.parentID.map { try store.listingFetchedAt($0) != nil || store.item($0) != nil } ?? false
        if cached == nil && !parentKnown { return false }
        if cached == nil, let parent = source.parentID, let holder = try store.child(of: parent, named: source.name),
           holder.id != source.id {
            // Box names are unique per folder, so one of the two is old news: typically a late event about a file
            // this mount replaced or deleted. Inserting it would evict the live one; let the folder be listed
            // again instead.
            try store.invalidateListing(parent)
            return false
        }
        if let cached, cached.etag == source.etag, cached.name == source.name, cached.parentID == source.parentID {
            return false  // nothing new (typically the echo of our own change)
        }
        if let cached, let parent = cached.parentID, cached.name != source.name || cached.parentID != source.parentID {
            names.append((cached.name, parent))
        }
        if source.kind == .file, let cached, cached.fileVersionID != source.fileVersionID, let version = source.fileVersionID {
            // Open readers re-fetch the old version by id if they need more.
            blocks.removeBlocks(of: source.id, except: version)
        }
        if parentKnown {
            try store.upsert(source.record(fetchedAt: Date()))
            if let parent = source.parentID { names.append((source.name, parent)) }
        } else {
            // Moved to a folder we never looked at: it left our view.
            try store.remove(source.id)
        }
        logger.debug("event \(event.type): \(source.name) (\(source.id))")
        return cached != nil && parentKnown
    }

    /// Box may deliver events out of order; one older than what the cache holds is old news.
    private func isStale(_ cached: ItemRecord, _ source: BoxItem) -> Bool {
        guard let old = cached.sequenceID.flatMap(Int.init), let new = source.sequenceID.flatMap(Int.init) else { return false }
        return new < old
    }

    private static let removals: Set<String> = ["ITEM_TRASH", "ITEM_DELETE", "ITEM_UNDELETE_VIA_TRASH_REVERSE"]
}
