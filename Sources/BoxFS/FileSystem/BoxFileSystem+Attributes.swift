import Cache
import Foundation

extension BoxFileSystem {
    func getattr(inode: Inode, handle: UInt64?) async throws -> AttributeReply {
        try await run("getattr \(path(inode))") { [self] in
            let record = try await catalog.item(try catalog.id(of: inode))
            return AttributeReply(attributes: try attributes(of: record, inode: inode), timeout: freshness.kernelTimeout)
        }
    }

    /// chmod and chown are accepted and ignored (Box has no owners or modes; refusing them would make
    /// `cp -p`, `rsync -a` and `tar x` fail); truncate stages the file; utimens sets Box's content time.
    func setattr(inode: Inode, changes: AttributeChanges) async throws -> AttributeReply {
        try await run("setattr \(path(inode))") { [self] in
            let id = try catalog.id(of: inode)
            var record = try await catalog.item(id)
            if let size = changes.size {
                try ensureWritable()
                guard record.kind == .file else { throw FileSystemError.isDirectory }
                try await truncate(inode: inode, record: record, to: Int64(size), handle: changes.handle)
                record = try await catalog.item(id)
            }
            if let change = changes.modificationTime {
                try ensureWritable()
                let mtime: Timestamp = switch change {
                case .now: .now()
                case .time(let time): Timestamp(seconds: time.seconds, nanoseconds: time.nanoseconds)
                }
                record = try await setModificationTime(of: record, inode: inode, to: mtime)
            }
            return AttributeReply(attributes: try attributes(of: record, inode: inode), timeout: freshness.kernelTimeout)
        }
    }

    /// What `stat` shows for a record: Box's size (or the staged size while the file is written), its content
    /// time as mtime, and the mount's ownership and modes.
    func attributes(of record: ItemRecord, inode: Inode) throws -> FileAttributes {
        let epoch = Date(timeIntervalSince1970: 0)
        let mtime = record.contentModifiedAt.map { FileTime($0) } ?? FileTime(record.modifiedAt ?? record.createdAt ?? epoch)
        let ctime = record.modifiedAt.map { FileTime($0) } ?? record.contentModifiedAt.map { FileTime($0) } ?? FileTime(epoch)
        switch record.kind {
        case .folder:
            return FileAttributes(
                inode: inode, type: .directory, permissions: options.folderPermissions, size: 4096, linkCount: 2,
                uid: options.uid, gid: options.gid, accessTime: mtime, modificationTime: mtime, changeTime: ctime)
        case .file:
            let size = try writers.content(of: inode)?.size() ?? record.size
            return FileAttributes(
                inode: inode, type: .regular, permissions: options.filePermissions, size: UInt64(max(0, size)),
                uid: options.uid, gid: options.gid, accessTime: mtime, modificationTime: mtime, changeTime: ctime)
        }
    }

    /// The reply that hands `record` to the kernel, counting the lookup.
    func entry(for record: ItemRecord) throws -> EntryReply {
        let inode = try catalog.inode(of: record.id)
        let attributes = try attributes(of: record, inode: inode)
        lookups.remember(inode)  // last: a throw above must not leave a lookup counted
        return EntryReply(
            attributes: attributes, attributeTimeout: freshness.kernelTimeout, entryTimeout: freshness.kernelTimeout)
    }

    private func setModificationTime(of record: ItemRecord, inode: Inode, to mtime: Timestamp) async throws -> ItemRecord {
        writers.content(of: inode)?.modificationTime = mtime
        if record.kind == .folder {
            // Box keeps no settable folder times; remember it for this mount's cache only.
            var updated = record
            updated.contentModifiedAt = mtime
            try catalog.store.updateIfPresent(updated)
            return updated
        }
        if !writers.isOpen(inode), await uploads.isHoldingMetadataOnly(inode),
           let held = updateHeldModificationTime(of: record.id, to: mtime) {
            return held  // set twice within the hold: still only here, sent by the pending settle
        }
        // Not on Box yet: the upload carries the time.
        if let updated = try updatePendingRecord(record.id, orIf: { writers.isOpen(inode) }, { $0.contentModifiedAt = mtime }) {
            return updated
        }
        // On Box (perhaps uploaded a moment ago, under the id the inode now maps to).
        let id = try catalog.id(of: inode)
        if let held = try holdModificationTime(of: id, at: mtime) {
            await uploads.settleSoon(inode, after: Self.metadataHoldTime)
            return held
        }
        let result = try await client.update(id, kind: .file, name: nil, parent: nil, contentModifiedAt: mtime.date, ifMatch: nil)
        var fresh = result.record(fetchedAt: Date(), parentOverride: record.parentID)
        fresh.contentModifiedAt = mtime  // Box keeps whole seconds; show what was set, as a local disk would
        try catalog.store.upsert(fresh, keepingSubsecondTime: false)
        return fresh
    }

    /// How long an mtime set on a file already on Box waits for a rename to carry it.
    static let metadataHoldTime: Duration = .seconds(1)

    /// Records an mtime set on a file already on Box as a local change, for the settler to send: rsync sets the
    /// time of its temporary file just before renaming it, and the rename's update then carries both (one call
    /// instead of two; see `move`). Held in memory for ``metadataHoldTime`` at most, like a local filesystem's
    /// metadata before its journal commits; fsync and unmount send it at once. The cache isn't written until Box
    /// has the time, so a crash meanwhile leaves the cache agreeing with Box.
    ///
    /// - Returns: the record as shown now, or nil if the item isn't cached (then it is sent at once).
    private func holdModificationTime(of id: ItemID, at mtime: Timestamp) throws -> ItemRecord? {
        try localChanges.serialized {
            guard var record = try catalog.store.item(id) else { return nil }
            localChanges.confirm(record)
            record.contentModifiedAt = mtime
            localChanges.set(record)
            return record
        }
    }

    /// A second mtime within the hold replaces the held one, still only here.
    private func updateHeldModificationTime(of id: ItemID, to mtime: Timestamp) -> ItemRecord? {
        localChanges.serialized {
            guard var held = localChanges.record(for: id) else { return nil }
            held.contentModifiedAt = mtime
            localChanges.set(held)
            return held
        }
    }
}
