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
    let logger: Logger

    /// Applies one event. Runs under the local-changes lock, so an upload's answer (which rekeys a new file to
    /// Box's id) is either wholly before or wholly after it.
    func apply(_ event: BoxEvent) throws {
        guard let source = event.source else { return }
        try localChanges.serialized { try apply(event, source: source) }
    }

    private func apply(_ event: BoxEvent, source: BoxItem) throws {
        // Our own uploads and renames come back as events too; the local state is newer than those.
        if localChanges.record(for: source.id) != nil { return }
        if let parent = source.parentID, localChanges.isCreating(source.name, in: parent) { return }
        let cached = try store.item(source.id)
        if let cached, let old = cached.sequenceID.flatMap(Int.init), let new = source.sequenceID.flatMap(Int.init),
           new < old {
            return  // stale: Box may deliver events out of order
        }
        if !source.isActive || Self.removals.contains(event.type) {
            try remove(source.id, cached: cached)
            return
        }
        try update(cached: cached, with: source, event: event)
    }

    private static let removals: Set<String> = ["ITEM_TRASH", "ITEM_DELETE", "ITEM_UNDELETE_VIA_TRASH_REVERSE"]

    private func remove(_ id: ItemID, cached: ItemRecord?) throws {
        guard let cached else { return }
        try store.remove(id)
        if let parent = cached.parentID { try notifyName(cached.name, in: parent) }
        blocks.removeBlocks(of: id)
        logger.debug("event: \(cached.name) (\(id)) removed")
    }

    private func update(cached: ItemRecord?, with source: BoxItem, event: BoxEvent) throws {
        let parentKnown = try source.parentID.map { try store.listingFetchedAt($0) != nil || store.item($0) != nil } ?? false
        if cached == nil && !parentKnown { return }
        if let cached, cached.etag == source.etag, cached.name == source.name, cached.parentID == source.parentID {
            return  // nothing new (typically the echo of our own change)
        }
        if let cached, let parent = cached.parentID, cached.name != source.name || cached.parentID != source.parentID {
            try notifyName(cached.name, in: parent)
        }
        if source.kind == .file, let cached, cached.fileVersionID != source.fileVersionID {
            // A new version: the kernel drops its pages and size *before* an open can find the new record, so
            // no read is answered from the new version while the kernel still sizes the file by the old one
            // (it would pad the short answer with zeros). Cached blocks of the old version can go: open readers
            // re-fetch the old version by id if they need more.
            notifier.contentChanged(try store.inode(for: source.id))
            if let version = source.fileVersionID { blocks.removeBlocks(of: source.id, except: version) }
        }
        if parentKnown {
            try store.upsert(source.record(fetchedAt: Date()))
            if let parent = source.parentID { try notifyName(source.name, in: parent) }
        } else {
            // Moved to a folder we never looked at: it left our view.
            try store.remove(source.id)
        }
        logger.debug("event \(event.type): \(source.name) (\(source.id))")
    }

    private func notifyName(_ name: String, in parent: ItemID) throws {
        notifier.nameChanged(name, in: try store.inode(for: parent))
    }
}
