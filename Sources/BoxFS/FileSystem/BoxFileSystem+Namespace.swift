import Cache
import Foundation

extension BoxFileSystem {
    func unlink(parent: Inode, name: String) async throws {
        try await run("unlink \(name) in \(parent)") {
            try ensureWritable()
            let record = try await catalog.lookup(name, in: try await folderID(of: parent))
            guard record.kind == .file else { throw FileSystemError.isDirectory }
            try await remove(record)
        }
    }

    func rename(parent: Inode, name: String, newParent: Inode, newName: String, flags: RenameFlags) async throws {
        try await run("rename \(name) to \(newName)") {
            try ensureWritable()
            // Box can't swap two items atomically.
            if flags.contains(.exchange) { throw FileSystemError.notSupported("RENAME_EXCHANGE") }
            try NameRules.validate(newName)
            let source = try await catalog.lookup(name, in: try await folderID(of: parent))
            let destination = try await folderID(of: newParent)
            if let existing = try await catalog.conflictingChild(named: newName, in: destination), existing.id != source.id {
                if flags.contains(.noReplace) { throw FileSystemError.exists }
                try await replace(existing, with: source)
            }
            try await move(source, to: destination, name: newName)
        }
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
            try catalog.store.remove(existing.id)
        case (.file, .file):
            try await remove(existing)
        }
    }

    private func move(_ source: ItemRecord, to destination: ItemID, name: String) async throws {
        var moved = source
        moved.parentID = destination
        moved.name = name
        if source.isProvisional {
            // Not on Box yet: the upload will create it under its final name.
            localChanges.set(moved)
            try catalog.store.move(source.id, to: destination, name: name)
            return
        }
        let result = try await client.update(
            source.id, kind: source.kind, name: name != source.name ? name : nil,
            parent: destination != source.parentID ? destination : nil, contentModifiedAt: nil, ifMatch: nil)
        try catalog.store.upsert(result.record(fetchedAt: Date(), parentOverride: destination))
        if let local = localChanges.record(for: source.id) {
            var updated = local
            updated.parentID = destination
            updated.name = name
            localChanges.set(updated)
            try catalog.store.move(source.id, to: destination, name: name)
        }
    }

    /// Deletes a file here and on Box (to Box's trash); queued uploads of it are dropped.
    private func remove(_ record: ItemRecord) async throws {
        let inode = try catalog.inode(of: record.id)
        if !record.isProvisional {
            try await client.delete(record.id, kind: .file, ifMatch: nil)
        }
        localChanges.remove(record.id)
        try catalog.store.remove(record.id)
        await uploads.discard(inode)
    }
}
