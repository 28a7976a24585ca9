import Cache
import Foundation

extension BoxFileSystem {
    func open(inode: Inode, flags: OpenFlags) async throws -> OpenReply {
        try await run("open \(path(inode))") { [self] in
            let record = try await catalog.item(try catalog.id(of: inode))
            guard record.kind == .file else { throw FileSystemError.isDirectory }
            let handle: FileHandle
            var boxVersion: String?
            if flags.isWritable {
                try ensureWritable()
                let content = try await stage(inode: inode, record: record, truncate: flags.truncate)
                handle = FileHandle(inode: inode, writable: true, source: .staged(content), window: window())
            } else {
                let source = try await readSource(inode: inode, record: record)
                if case .remote(let reader) = source { boxVersion = reader.version }
                handle = FileHandle(inode: inode, writable: false, source: source, window: window())
            }
            let keepCache = kernelCachedVersions.open(inode, version: boxVersion)
            return OpenReply(handle: files.insert(handle), keepCache: keepCache)
        }
    }

    func create(parent: Inode, name: String, mode: mode_t, flags: OpenFlags, context: RequestContext) async throws -> CreateReply {
        try await run("create \(path(name, in: parent))") { [self] in
            try ensureWritable()
            try NameRules.validate(name)
            let folder = try await folderID(of: parent)
            if try await catalog.conflictingChild(named: name, in: folder) != nil { throw FileSystemError.exists }
            // The file exists here at once and reaches Box when it is closed (see Upload/).
            let now = Date()
            let record = ItemRecord(
                id: .provisional(), parentID: folder, name: name, kind: .file, size: 0,
                contentModifiedAt: Timestamp(now), modifiedAt: now, createdAt: now, fetchedAt: now)
            try catalog.store.upsert(record)
            localChanges.set(record)
            let inode = try catalog.inode(of: record.id)
            let content = try writers.attach(inode) {
                StagedContent(file: try newStagingFile(), baseETag: nil, dirty: true)
            }
            let handle = FileHandle(inode: inode, writable: true, source: .staged(content), window: window())
            return CreateReply(entry: try entry(for: record), open: OpenReply(handle: files.insert(handle)))
        }
    }

    func read(inode: Inode, handle: UInt64, offset: UInt64, size: Int) async throws -> ReadData {
        try await run("read \(path(inode))") { [self] in
            // A handle keeps the version of its first read: switching it to a newer version mid-flight would
            // hand the kernel a short read it pads with zeros. Before that first read, the version the kernel
            // sizes the file by is the one to read: the store's, or while a new one is being applied, the one
            // before it (VersionSwitches).
            let file = try files.get(handle)
            if let version = file.unreadVersion, let current = try versionForFirstRead(of: inode, than: version) {
                file.followIfUnread(current)
                kernelCachedVersions.forget(inode)
            }
            return try await file.read(offset: Int64(offset), length: size)
        }
    }

    /// A reader of the version a first read of `inode` should read if that isn't `version`: the store's, or
    /// the previous one while a new version is being applied. Nil if it is `version`, or if the file has local
    /// changes (their readers read staged content).
    private func versionForFirstRead(of inode: Inode, than version: String) throws -> VersionReader? {
        let id = try catalog.id(of: inode)
        guard localChanges.record(for: id) == nil, !writers.isOpen(inode),
              let record = try versionSwitches.previous(of: inode) ?? catalog.store.item(id),
              record.kind == .file, !record.isProvisional, record.versionKey != version
        else { return nil }
        return VersionReader(item: record.id, version: record.versionKey, size: record.size, fetcher: fetcher)
    }

    func write(inode: Inode, handle: UInt64, offset: UInt64, data: [UInt8]) async throws -> Int {
        try await run("write \(path(inode))") { [self] in
            let file = try files.get(handle)
            guard file.writable else { throw FileSystemError.badHandle }
            if file.writableContent == nil, file.isCommitted {
                // A sibling descriptor's close uploaded this writer's content; stage the file again.
                let record = try await catalog.item(try catalog.id(of: inode))
                let content = try await stage(inode: inode, record: record, truncate: false)
                if !file.restage(content) { _ = writers.detach(inode) }  // another write restaged first
            }
            guard let content = file.writableContent else { throw FileSystemError.badHandle }
            try checkAccountRoom(for: content, end: Int64(offset) + Int64(data.count))
            try makeLocalRoom(for: data.count)
            try content.write(data, at: Int64(offset))
            return data.count
        }
    }

    /// Each close(2) of a descriptor. With `write_back = sync`, the close of a file's only writer uploads it and
    /// returns once Box has it (the kernel sends the release only after close has returned, so it can't be
    /// release that waits). A descriptor dup'd or inherited across fork shares the writer: if it writes again,
    /// the file is staged again and uploaded at its own close.
    ///
    /// A new file named like rsync's temporary files is the exception: its upload waits for the rename that
    /// follows, and that rename is what returns once Box has the file (see `rename`).
    func flush(inode: Inode, handle: UInt64, lockOwner: UInt64) async throws {
        guard options.writeBack == .sync else { return }
        try await run("flush \(path(inode))", bounded: false) { [self] in
            let file = try files.get(handle)
            guard file.writable, let content = file.writableContent, content.hasSingleWriter else { return }
            guard let last = writers.detach(inode) else { return }
            file.markCommitted()
            if try await commit(last, inode: inode) == .waitsForRename { return }
            await waitForUpload(of: inode)
        }
    }

    func release(inode: Inode, handle: UInt64, flags: OpenFlags) async throws {
        try await run("release \(path(inode))", bounded: false) { [self] in
            guard let released = files.remove(handle), released.writable, !released.isCommitted else { return }
            if let content = writers.detach(inode) { try await commit(content, inode: inode) }
        }
    }

    /// Refuses a write Box could never take, when it is made rather than at upload: past the account's largest
    /// upload (EFBIG), or growing the file beyond the space left (ENOSPC). Uses the last known account limits;
    /// a write is never held up asking Box.
    private func checkAccountRoom(for content: StagedContent, end: Int64) throws {
        guard let account = quota.recent() else { return }
        if end > account.maxUploadSize { throw FileSystemError.fileTooLarge(limit: account.maxUploadSize) }
        if end > content.baseSize, end - content.baseSize > account.spaceAmount - account.spaceUsed {
            throw FileSystemError.noSpace
        }
    }

    /// Keeps staged data from eating the cache filesystem's reserve for metadata: cached blocks can go (Box has
    /// their data); staged data can't, so if evicting blocks isn't enough the write is ENOSPC.
    private func makeLocalRoom(for count: Int) throws {
        do {
            try staging.checkRoom(forWriting: count)
        } catch let full as CacheIOError {
            do { try blockCache.makeRoom(for: count) } catch { throw FileSystemError.cacheFull(full.path) }
        }
    }

    /// Waits for `inode`'s uploads, at most `operationTimeout`: the data is journaled, so when Box is away the
    /// close succeeds and the upload carries on in the background rather than hanging the program.
    func waitForUpload(of inode: Inode) async {
        guard options.operationTimeout > 0 else { return await uploads.waitUntilUploaded(inode) }
        do {
            try await withDeadline(options.operationTimeout) { [uploads] in await uploads.waitUntilUploaded(inode) }
        } catch {
            logger.notice("inode \(inode): Box has not taken the upload within \(Int(options.operationTimeout)) s; it stays queued and is retried")
        }
    }

    /// Hands closing content to the upload queue, then lets new writers and readers use the queue's copy.
    @discardableResult
    private func commit(_ content: StagedContent, inode: Inode) async throws -> QueuedUpload {
        defer { writers.finishClosing(inode, content) }  // done already once journaled; this covers the other paths
        return try await enqueueUpload(of: content, inode: inode)
    }

    /// What closing a writer queued.
    enum QueuedUpload {
        /// Nothing to send (the content was unchanged, or the file was deleted meanwhile).
        case nothing
        /// An upload, started as soon as a slot is free.
        case upload
        /// An upload waiting for the file's rename (``TemporaryFileNames``), or a moment.
        case waitsForRename
    }

    /// Makes the staged data durable here and waits for uploads of earlier closes of the file; an open file's
    /// own changes go to Box when it is closed.
    func fsync(inode: Inode, handle: UInt64, dataOnly: Bool) async throws {
        try await run("fsync \(path(inode))", bounded: false) { [self] in
            try files.get(handle).staged?.sync()
            await uploads.waitUntilUploaded(inode)
            await uploads.settleDeferred(inode)
        }
    }

    /// Truncation outside an open writer (truncate(1), or O_TRUNC handled by setattr) stages and commits at once.
    func truncate(inode: Inode, record: ItemRecord, to size: Int64, handle: UInt64?) async throws {
        if let content = writers.content(of: inode) {
            try checkAccountRoom(for: content, end: size)
            try content.truncate(to: size)
            return
        }
        let content = try await stage(inode: inode, record: record, truncate: size == 0)
        do { try content.truncate(to: size) } catch {
            if let last = writers.detach(inode) { try await commit(last, inode: inode) }
            throw error
        }
        if let last = writers.detach(inode) { try await commit(last, inode: inode) }
        if options.writeBack == .sync { await waitForUpload(of: inode) }
    }

    // MARK: - Staging and committing

    /// The staged content writers of `inode` share, created from the newest content on first open.
    private func stage(inode: Inode, record: ItemRecord, truncate: Bool) async throws -> StagedContent {
        // A previous writer's content is being journaled right now (a few milliseconds): start from it.
        while writers.isClosing(inode) { try await Task.sleep(for: .milliseconds(2)) }
        if let content = writers.attachIfOpen(inode) {
            if truncate { try content.truncate(to: 0) }
            return content
        }
        let file = try newStagingFile()
        let pending = await uploads.pendingContent(of: inode)
        do {
            if !truncate { try await fill(file, inode: inode, record: record, pendingPath: pending) }
        } catch {
            try? staging.remove(path: file.path)
            throw error
        }
        // If-Match protects against overwriting a change made on Box while the file was open here, but our
        // own uploads still queued would trip it, so it's only used when the content came from Box.
        let base = pending == nil && !record.isProvisional ? record.etag : nil
        let content = writers.attach(inode) { StagedContent(file: file, baseETag: base, baseSize: record.isProvisional ? 0 : record.size, dirty: truncate) }
        // Another writer opened the file meanwhile and its content won; ours is not needed.
        if content.path != file.path { try? staging.remove(path: file.path) }
        return content
    }

    private func fill(_ file: StagingFile, inode: Inode, record: ItemRecord, pendingPath: String?) async throws {
        if let pendingPath {
            if let source = try? staging.open(path: pendingPath) {
                try copy(from: source, to: file)
                return
            }
            // Uploaded a moment ago: Box has it now, and the store has the version it became.
            return try await fill(file, inode: inode, record: try await catalog.item(record.id), pendingPath: nil)
        }
        guard record.size > 0, !record.isProvisional else { return }
        let version = record.versionKey
        let blockSize = Int64(fetcher.blockSize)
        var offset: Int64 = 0
        var index = 0
        while offset < record.size {
            let bytes = try await fetcher.block(BlockKey(item: record.id, version: version, index: index), fileSize: record.size)
            try bytes.withUnsafeBytes { try file.write($0, at: offset) }
            offset += blockSize
            index += 1
        }
    }

    private func copy(from source: StagingFile, to destination: StagingFile) throws {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var offset: Int64 = 0
        while true {
            let count = try buffer.withUnsafeMutableBytes { try source.read(into: $0, at: offset) }
            if count == 0 { break }
            try buffer.withUnsafeBytes { try destination.write(UnsafeRawBufferPointer(rebasing: $0[0..<count]), at: offset) }
            offset += Int64(count)
        }
    }

    /// Hands the last writer's content to the upload queue (journaled before this returns).
    private func enqueueUpload(of content: StagedContent, inode: Inode) async throws -> QueuedUpload {
        guard content.isDirty else {
            try? staging.remove(path: content.path)
            return .nothing
        }
        let started = ContinuousClock.now
        try content.sync()
        let size = try content.size()
        let closedAt = Timestamp.now()
        // The inode names the file even if its upload rekeyed it meanwhile; retry once if that raced us.
        var updated: ItemRecord?
        for _ in 0..<2 where updated == nil {
            updated = try updateLocalRecord(try catalog.id(of: inode)) {
                $0.size = size
                // Read under the record's lock, not before it: a utimens arriving now (rsync sets the time right
                // after close, and the kernel sends our release later) sets the content's time and then updates
                // the record under this lock, so either it is read here or its update comes after this one.
                $0.contentModifiedAt = content.modificationTime ?? closedAt
                $0.fetchedAt = Date()
            }
        }
        guard let record = updated, let parent = record.parentID else {
            // Deleted while open: like an unlinked file, its data goes with the last descriptor.
            try? staging.remove(path: content.path)
            return .nothing
        }
        let id = record.id
        let target: Cache.UploadTarget = record.isProvisional
            ? .newFile(parent: parent, name: record.name)
            : .newVersion(of: id, baseETag: content.baseETag)
        let waitsForRename = record.isProvisional && TemporaryFileNames.awaitsRename(record.name)
        try await uploads.enqueue(
            inode: inode, stagingPath: content.path, target: target, size: size, mtime: record.contentModifiedAt ?? closedAt,
            holdFor: waitsForRename ? TemporaryFileNames.renameWait : nil,
            journaled: { [writers] in writers.finishClosing(inode, content) })
        logger.debug("\(record.name): \(size) bytes synced and journaled for upload in \(ContinuousClock.now - started)")
        return waitsForRename ? .waitsForRename : .upload
    }

    private func readSource(inode: Inode, record: ItemRecord) async throws -> FileHandle.Source {
        if let content = writers.content(of: inode) { return .staged(content) }
        if let pending = await uploads.pendingContent(of: inode) {
            return .staged(StagedContent(file: try staging.open(path: pending), baseETag: nil, dirty: false))
        }
        if record.isProvisional { throw FileSystemError.notFound }
        return .remote(VersionReader(item: record.id, version: record.versionKey, size: record.size, fetcher: fetcher))
    }

    private func newStagingFile() throws -> StagingFile {
        do { return try staging.create() } catch { throw FileSystemError.localIO("cannot create a staging file: \(error)") }
    }

    private func window() -> ReadAheadWindow {
        ReadAheadWindow(initial: options.readAheadInitial, maximum: options.readAheadMaximum)
    }
}

extension ItemRecord {
    /// What cached blocks of this file are keyed by: the version id, which changes with every upload.
    /// Without a version id (Box always sends one when asked) the content hash stands in, marked so it isn't
    /// passed to Box as a version.
    var versionKey: String { fileVersionID ?? "sha1:" + (sha1 ?? etag ?? "") }
}
