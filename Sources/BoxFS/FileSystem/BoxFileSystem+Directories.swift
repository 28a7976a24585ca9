import Cache
import Foundation

extension BoxFileSystem {
    func lookup(parent: Inode, name: String) async throws -> EntryReply {
        try await run("lookup \(path(name, in: parent))") { [self] in
            let folder = try await folderID(of: parent)
            return try entry(for: try await catalog.lookup(name, in: folder))
        }
    }

    func opendir(inode: Inode, flags: OpenFlags) async throws -> OpenReply {
        try await run("opendir \(path(inode))") { [self] in
            let id = try await folderID(of: inode)
            let parentInode: Inode
            if id == catalog.rootID {
                parentInode = inode
            } else {
                parentInode = try catalog.inode(of: try await catalog.item(id).parentID ?? catalog.rootID)
            }
            return try openDirectory(inode, parent: parentInode, snapshot: try await catalog.childrenSnapshot(of: id))
        }
    }

    /// A directory handle over `snapshot`, with "." and "..".
    func openDirectory(_ inode: Inode, parent parentInode: Inode, snapshot: ChildrenSnapshot) throws -> OpenReply {
        var entries: [DirectoryHandle.Entry] = [
            .init(name: ".", inode: inode, record: nil, kind: .folder),
            .init(name: "..", inode: parentInode, record: nil, kind: .folder),
        ]
        entries.reserveCapacity(snapshot.children.count + 2)
        for (child, childInode) in zip(snapshot.children, snapshot.inodes) {
            entries.append(.init(name: child.name, inode: childInode, record: child, kind: child.kind))
        }
        // Any change stored after the snapshot makes a newer generation, and readdir then reads records afresh.
        let handle = DirectoryHandle(inode: inode, entries: entries, generation: snapshot.generation)
        let keep = kernelCachedListings.open(inode, generation: snapshot.generation)
        return OpenReply(handle: directories.insert(handle), keepCache: keep, cacheDirectory: true)
    }

    func readdir(inode: Inode, handle: UInt64, offset: UInt64, limit: Int, plus: Bool) async throws -> [DirectoryEntry] {
        try await run("readdir \(path(inode))") { [self] in
            try directoryEntries(handle: handle, offset: offset, limit: limit, plus: plus)
        }
    }

    /// Up to `limit` entries of an open directory from position `offset`; local work only (memory and the store),
    /// so it also serves ``readdirNow(inode:handle:offset:limit:plus:)``.
    func directoryEntries(handle: UInt64, offset: UInt64, limit: Int, plus: Bool) throws -> [DirectoryEntry] {
        let listing = try directories.get(handle)
        guard offset < listing.entries.count else { return [] }
        let slice = listing.entries[Int(offset)..<min(listing.entries.count, Int(offset) + limit)]
        let snapshotCurrent = plus && catalog.store.generation == listing.generation
        // Half the kernel's timeout: an entry handed over more recently is still held, unexpired, by the
        // kernel. Sending it again would only make the kernel drop the inode's cached ACL (it does on every
        // attribute refresh) and ask for it once more: a round trip per entry of every repeated `ls -l`.
        let stillHeld = Duration.seconds(freshness.kernelTimeout / 2)
        var counted: [Inode] = []
        do {
            return try slice.map { item in
                let entry = try directoryEntry(item, plus: plus && !lookups.answeredRecently(item.inode, within: stillHeld),
                                               snapshotCurrent: snapshotCurrent)
                if entry.entry != nil { counted.append(item.inode) }
                return entry
            }
        } catch {
            // None of these reach the kernel: give back the lookups counted so far.
            for inode in counted { forget(inode: inode, lookups: 1) }
            throw error
        }
    }

    /// One entry of an open directory; with `plus`, with its attributes (and counted as a lookup).
    private func directoryEntry(_ item: DirectoryHandle.Entry, plus: Bool, snapshotCurrent: Bool) throws -> DirectoryEntry {
        let type: FileType = item.kind == .folder ? .directory : .regular
        guard plus else { return DirectoryEntry(name: item.name, inode: item.inode, type: type) }
        // Readdirplus answers attributes too, so `ls -l` needs no lookup per name. "." and ".." carry
        // their own attributes but the kernel ignores (and the bridge forgets) them.
        // The freshest record, not a stale snapshot: a file written since opendir must not have its size
        // reset to the snapshot's in the kernel. While the store hasn't changed since opendir the snapshot
        // is current, which spares two SQLite queries per entry (most of a warm `ls -l`).
        let record: ItemRecord?
        if snapshotCurrent, let snapshot = item.record {
            record = localChanges.record(for: snapshot.id) ?? snapshot
        } else {
            let id = try catalog.id(of: item.inode)
            record = try localChanges.record(for: id) ?? catalog.store.item(id) ?? item.record
        }
        guard let record else { return DirectoryEntry(name: item.name, inode: item.inode, type: type) }
        let attributes = try attributes(of: record, inode: item.inode)
        lookups.remember(item.inode)
        return DirectoryEntry(name: item.name, entry: EntryReply(
            attributes: attributes, attributeTimeout: freshness.kernelTimeout, entryTimeout: freshness.kernelTimeout))
    }

    func releasedir(inode: Inode, handle: UInt64) async throws {
        directories.remove(handle)
    }

    func mkdir(parent: Inode, name: String, mode: mode_t, context: RequestContext) async throws -> EntryReply {
        try await run("mkdir \(path(name, in: parent))") { [self] in
            try ensureWritable()
            try NameRules.validate(name)
            let folder = try await folderID(of: parent)
            if try await catalog.conflictingChild(named: name, in: folder) != nil { throw FileSystemError.exists }
            let created = try await client.createFolder(named: name, in: folder)
            let record = created.record(fetchedAt: Date(), parentOverride: folder)
            try catalog.store.upsert(record)
            // A new folder is empty: record its listing so the first `ls` or lookup inside needs no call.
            try catalog.store.replaceListing(of: record.id, with: [], at: Date())
            return try entry(for: record)
        }
    }

    func rmdir(parent: Inode, name: String) async throws {
        try await run("rmdir \(path(name, in: parent))") { [self] in
            try ensureWritable()
            let folder = try await folderID(of: parent)
            let record = try await catalog.lookup(name, in: folder)
            guard record.kind == .folder else { throw FileSystemError.notDirectory }
            if try await !catalog.children(of: record.id).isEmpty { throw FileSystemError.notEmpty }
            // Not recursive: if Box knows of children we don't, it refuses (folder_not_empty → ENOTEMPTY).
            try await client.delete(record.id, kind: .folder, ifMatch: nil)
            try forgetDeleted(record.id)
        }
    }

    /// The folder id behind a directory inode (ENOTDIR for files).
    func folderID(of inode: Inode) async throws -> ItemID {
        let id = try catalog.id(of: inode)
        if id == catalog.rootID { return id }
        guard try await catalog.item(id).kind == .folder else { throw FileSystemError.notDirectory }
        return id
    }
}
