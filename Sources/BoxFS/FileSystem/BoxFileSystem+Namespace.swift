import Cache
import Foundation

extension BoxFileSystem {
    func unlink(parent: Inode, name: String) async throws {
        try await run("unlink \(path(name, in: parent))") { [self] in
            try ensureWritable()
            let record = try await catalog.lookup(name, in: try await folderID(of: parent))
            guard record.kind == .file else { throw FileSystemError.isDirectory }
            try await remove(record)
        }
    }

    /// With `write_back = sync`, renaming a file whose upload waited for this rename (rsync's temporary file,
    /// see ``TemporaryFileNames``) returns once Box has it under the new name: the wait its close skipped.
    func rename(parent: Inode, name: String, newParent: Inode, newName: String, flags: RenameFlags) async throws {
        let released = try await run("rename \(path(name, in: parent)) to \(path(newName, in: newParent))") {
            [self] () async throws -> Inode? in
            try ensureWritable()
            // Box can't swap two items atomically.
            if flags.contains(.exchange) { throw FileSystemError.notSupported("RENAME_EXCHANGE") }
            try NameRules.validate(newName)
            let source = try await catalog.lookup(name, in: try await folderID(of: parent))
            let destination = try await folderID(of: newParent)
            // Read before the move, which may follow a new file to the id its upload gave it.
            let inode = try catalog.inode(of: source.id)
            if let existing = try await catalog.conflictingChild(named: newName, in: destination), existing.id != source.id {
                if flags.contains(.noReplace) { throw FileSystemError.exists }
                if try await takeOver(existing, by: source, inode: inode, to: destination, name: newName) {
                    await uploads.releaseHeld(inode)
                    return inode
                }
                try await replace(existing, with: source)
            }
            try await move(source, to: destination, name: newName)
            guard source.isProvisional else { return nil }
            // Waited on also if the wait for the rename ran out just before it came: the upload is under way.
            let released = await uploads.releaseHeld(inode)
            let underWay = await uploads.pendingContent(of: inode) != nil
            return released || underWay ? inode : nil
        }
        if let released, options.writeBack == .sync { await waitForUpload(of: released) }
    }

    /// rsync's update of a file: its new temporary file, not on Box yet, renamed over the file. The new content
    /// becomes the file's next version (one upload, based on the version seen here, so a change made on Box
    /// meanwhile ends as a conflict copy rather than lost), and the file keeps its id, versions and shared links,
    /// where replacing it would trash it and create another. Only while the new file's upload waits for this
    /// rename (``TemporaryFileNames``) and neither file has other work in flight.
    ///
    /// - Returns: whether `inode`'s upload now becomes the new version; if not, replace the file as usual.
    private func takeOver(
        _ existing: ItemRecord, by source: ItemRecord, inode: Inode, to destination: ItemID, name: String
    ) async throws -> Bool {
        guard source.kind == .file, existing.kind == .file, source.isProvisional, !existing.isProvisional,
              TemporaryFileNames.awaitsRename(source.name), let from = source.parentID else { return false }
        let replaced = try catalog.inode(of: existing.id)
        // With write_back = async the kernel's release of rsync's descriptor (which journals and holds the
        // upload) can reach us just after the rename: give it a moment.
        for _ in 0..<50 where writers.isOpen(inode) { try await Task.sleep(for: .milliseconds(2)) }
        guard !writers.isOpen(inode), !writers.isOpen(replaced), localChanges.record(for: existing.id) == nil,
              await uploads.pendingContent(of: replaced) == nil else { return false }
        let tookOver = try await uploads.whileHeld(inode) { [self] in
            try localChanges.serialized {
                var record = try localChanges.record(for: source.id) ?? catalog.store.item(source.id) ?? source
                try catalog.store.takeOver(
                    existing.id, baseETag: existing.etag, by: source.id, from: (from, record.name), to: destination, name: name)
                localChanges.rekey(source.id, to: existing.id)
                localChanges.confirm(existing)
                record.id = existing.id
                record.parentID = destination
                record.name = name
                localChanges.set(record)
            }
        }
        if tookOver { logger.debug("\(name): new content renamed over it becomes its next version on Box") }
        return tookOver
    }

    /// POSIX rename replaces its target; Box refuses a name in use, so the target goes first (to Box's trash,
    /// where it can still be recovered).
    private func replace(_ existing: ItemRecord, with source: ItemRecord) async throws {
        switch (source.kind, existing.kind) {
        case (.file, .folder): throw FileSystemError.isDirectory
        case (.folder, .file): throw FileSystemError.notDirectory
        case (.folder, .folder):
            if try await !catalog.children(of: existing.id).isEmpty { throw FileSystemError.notEmpty }
            try await client.delete(existing.id, kind: .folder, ifMatch: nil)
            try forgetDeleted(existing.id)
        case (.file, .file):
            try await remove(existing)
        }
    }

    private func move(_ source: ItemRecord, to destination: ItemID, name: String) async throws {
        if source.isProvisional {
            // Not on Box yet: the upload will create it under its final name. The move fails if the upload
            // finished since the lookup (the id is Box's now); then the item is renamed on Box like any other.
            if try catalog.store.move(source.id, to: destination, name: name) {
                if let parent = source.parentID {
                    try catalog.store.retargetNewFileUploads(in: parent, named: source.name, to: destination, name: name)
                }
                try updateLocalRecord(source.id) {
                    $0.parentID = destination
                    $0.name = name
                }
                return
            }
            return try await move(try uploadedVersion(of: source), to: destination, name: name)
        }
        // The settle step of a file (sending a held mtime, say) must see this rename whole: before it reached
        // Box or after its answer is recorded here.
        try await metadataLocks.withLock(try catalog.inode(of: source.id)) {
            let result = try await client.update(
                source.id, kind: source.kind, name: name != source.name ? name : nil,
                parent: destination != source.parentID ? destination : nil,
                contentModifiedAt: heldModificationTime(of: source.id), ifMatch: nil)
            let moved = result.record(fetchedAt: Date(), parentOverride: destination)
            // Checked and changed at once: a record recreated from a stale check (the settle step may have just
            // dropped it) would be one that nothing settles, pending forever and hiding Box's later changes.
            try localChanges.serialized {
                guard var local = localChanges.record(for: source.id) else { return try catalog.store.upsert(moved) }
                // Still uploading or settling: Box has the new name and place; the size and mtime shown stay local.
                local.parentID = destination
                local.name = name
                if try catalog.store.updateIfPresent(local) { localChanges.set(local) }
                _ = try localChanges.adopt(moved, in: catalog.store)
            }
        }
    }

    /// A local mtime Box doesn't have yet (set a moment ago, or while uploading): a rename sends it along.
    private func heldModificationTime(of id: ItemID) -> Date? {
        guard let local = localChanges.record(for: id)?.contentModifiedAt,
              let onBox = localChanges.confirmed(for: id) else { return nil }
        return local.seconds == onBox.contentModifiedAt?.seconds ? nil : local.date
    }

    /// The record a provisional item has after its upload rekeyed it (found by its unchanged place).
    private func uploadedVersion(of provisional: ItemRecord) throws -> ItemRecord {
        guard let parent = provisional.parentID, let current = try catalog.store.child(of: parent, named: provisional.name)
        else { throw FileSystemError.notFound }
        return current
    }

    /// Deletes a file here and on Box (to Box's trash); queued uploads of it are dropped.
    private func remove(_ record: ItemRecord) async throws {
        var record = record
        if record.isProvisional, try catalog.store.item(record.id) == nil {
            record = try uploadedVersion(of: record)
        }
        let inode = try catalog.inode(of: record.id)
        if !record.isProvisional {
            try await client.delete(record.id, kind: .file, ifMatch: nil)
        }
        localChanges.remove(record.id)
        try forgetDeleted(record.id)
        blockCache.removeBlocks(of: record.id)
        await uploads.discard(inode)
    }

    /// Drops an item deleted here from the cache, remembering its last sequence id so its late events from Box
    /// don't bring it back (``DeletedItems``).
    func forgetDeleted(_ id: ItemID) throws {
        if let current = try catalog.store.item(id) { deletedItems.deleted(current) }
        try catalog.store.remove(id)
    }
}
