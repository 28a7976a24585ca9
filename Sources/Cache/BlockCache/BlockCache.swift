import Foundation

/// The on-disk cache of file contents: fixed-size blocks under `<cache dir>/blocks`, capped in total size with
/// least-recently-used eviction.
///
/// Layout: `blocks/<block size>/<item>/<version>/<index>`; blocks are written in `blocks/incoming` and renamed
/// into place, so a partly written block is never visible. Recency survives restarts as the block files' mtimes.
///
/// Thread safety: the in-memory index is guarded by a lock held only for bookkeeping and the cheap metadata calls
/// (rename, unlink, mkdir) that must agree with it; block contents are read and written outside the lock. A block
/// being opened is pinned, and eviction skips pinned blocks; once open, eviction only unlinks its file.
public final class BlockCache: @unchecked Sendable {
    /// The block sizes a cache may be configured with.
    public static let blockSizeRange = (1 << 20)...(8 << 20)
    /// The block size used when none is configured: 4 MiB.
    public static let defaultBlockSize = 4 << 20

    /// Bytes per block; every block but a file's last has exactly this length.
    public let blockSize: Int
    /// The most bytes of blocks kept on disk. Pinned blocks may push usage over it briefly.
    public let capacity: Int64

    /// Held so the directory stays locked while the cache is in use.
    private let directory: CacheDirectory
    private let root: String
    private let incoming: String
    private let lock = NSLock()
    // Guarded by `lock`.
    /// The length of every cached block.
    private var lengths: [BlockKey: Int] = [:]
    /// Reads in progress per key. Kept apart from `lengths` so a block removed and stored again while a read is
    /// in progress is still protected, and the read's unpin always balances its pin.
    private var pins: [BlockKey: Int] = [:]
    private var recency = LRUList<BlockKey>()
    private var usedBytes: Int64 = 0
    private var hits: Int64 = 0
    private var misses: Int64 = 0

    /// Opens the block cache in `directory`, indexing the blocks a previous run left.
    ///
    /// Blocks of another block size and unfinished temporary files are deleted; if the blocks found exceed
    /// `capacity`, the least recently used are evicted.
    public init(directory: CacheDirectory, blockSize: Int = BlockCache.defaultBlockSize, capacity: Int64) throws {
        guard Self.blockSizeRange.contains(blockSize) else { throw BlockCacheError.invalidBlockSize(blockSize) }
        self.directory = directory
        self.blockSize = blockSize
        self.capacity = capacity
        root = directory.blocksPath + "/" + String(blockSize)
        incoming = directory.blocksPath + "/incoming"
        try BlockDirectoryScan.prepare(blocksPath: directory.blocksPath, keeping: root, incoming: incoming)
        for block in try BlockDirectoryScan.blocks(under: root) {
            lengths[block.key] = block.length
            recency.touch(block.key)
            usedBytes += Int64(block.length)
        }
        lock.withLock { evictOverflow() }
    }

    /// The length of block `index` of a file of `fileSize` bytes (0 past the end).
    public func blockLength(index: Int, fileSize: Int64) -> Int {
        let start = Int64(index) * Int64(blockSize)
        return Int(max(0, min(Int64(blockSize), fileSize - start)))
    }

    /// Bytes and number of blocks currently cached.
    public var usage: (bytes: Int64, blocks: Int) {
        lock.withLock { (usedBytes, lengths.count) }
    }

    /// Reads answered from the cache and reads that missed, since this cache was opened (for metrics).
    public var lookups: (hits: Int64, misses: Int64) {
        lock.withLock { (hits, misses) }
    }

    /// Whether the block is cached.
    public func contains(_ key: BlockKey) -> Bool {
        lock.withLock { lengths[key] != nil }
    }

    /// Reads a whole block of a file of `fileSize` bytes.
    ///
    /// - Returns: the block, or nil if it isn't cached or its file doesn't have the expected length (such a file
    ///   is discarded).
    public func read(_ key: BlockKey, fileSize: Int64) -> [UInt8]? {
        let length = blockLength(index: key.index, fileSize: fileSize)
        guard length > 0 else { return nil }
        var copied: Int?
        let block = [UInt8](unsafeUninitializedCapacity: length) { buffer, count in
            copied = read(key, fileSize: fileSize, offset: 0, into: UnsafeMutableRawBufferPointer(buffer))
            count = copied ?? 0
        }
        return copied == nil ? nil : block
    }

    /// Copies part of a block, from `offset` within the block, into `buffer`.
    ///
    /// - Returns: the number of bytes copied (`buffer.count`, or fewer where the block ends), or nil on a miss
    ///   (see ``read(_:fileSize:)``).
    public func read(_ key: BlockKey, fileSize: Int64, offset: Int, into buffer: UnsafeMutableRawBufferPointer)
        -> Int? {
        guard let range = openRange(key, fileSize: fileSize, offset: offset, count: buffer.count) else { return nil }
        let wanted = UnsafeMutableRawBufferPointer(rebasing: buffer.prefix(range.count))
        guard let n = try? FileIO.read(range.descriptor, into: wanted, at: range.offset, path: path(of: key)),
              n == wanted.count else {
            discard(key)
            return nil
        }
        return n
    }

    /// Opens part of a cached block for the caller to read itself, so its bytes aren't copied here: up to `count`
    /// bytes from `offset` within the block (fewer where the block ends).
    ///
    /// - Returns: the open range, or nil on a miss (see ``read(_:fileSize:)``).
    public func openRange(_ key: BlockKey, fileSize: Int64, offset: Int, count: Int) -> OpenFileRange? {
        let length = blockLength(index: key.index, fileSize: fileSize)
        guard length > 0, (0...length).contains(offset), let touchFile = pin(key) else { return nil }
        // Pinned only while opening: once open, eviction can unlink the file without harming the reader.
        defer { unpin(key) }
        let path = self.path(of: key)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { discard(key) }
            return nil
        }
        let range = OpenFileRange(descriptor: fd, offset: Int64(offset), count: min(count, length - offset))
        guard (try? FileIO.size(fd, path: path)) == Int64(length) else {
            discard(key)
            return nil
        }
        if touchFile { futimens(fd, nil) }
        // A reader starting on a block will most likely want all of it: have the kernel read it in at once
        // rather than in 128 KiB read-ahead steps behind each piece.
        if offset == 0 { _ = posix_fadvise(fd, 0, off_t(length), POSIX_FADV_WILLNEED) }
        return range
    }

    /// Stores a block of a file of `fileSize` bytes, replacing any copy already cached, then evicts the least
    /// recently used blocks while the cache is over capacity.
    ///
    /// - Throws: ``BlockCacheError/wrongBlockLength(_:expected:actual:)`` if `bytes` isn't as long as the block
    ///   must be; ``CacheIOError`` if the block can't be written.
    public func store<Bytes: ContiguousBytes>(_ key: BlockKey, fileSize: Int64, bytes: Bytes) throws {
        let writer = try self.writer(for: key, fileSize: fileSize)
        try bytes.withUnsafeBytes { raw in
            guard raw.count == writer.length else {
                throw BlockCacheError.wrongBlockLength(key, expected: writer.length, actual: raw.count)
            }
            try writer.append(raw)
        }
        try writer.commit()
    }

    /// A writer that stores block `key` of a file of `fileSize` bytes piece by piece, as it downloads.
    ///
    /// - Throws: ``BlockCacheError/wrongBlockLength(_:expected:actual:)`` if the file has no such block;
    ///   ``CacheIOError`` if the temporary file can't be created.
    public func writer(for key: BlockKey, fileSize: Int64) throws -> BlockWriter {
        let length = blockLength(index: key.index, fileSize: fileSize)
        guard length > 0 else { throw BlockCacheError.wrongBlockLength(key, expected: 0, actual: 0) }
        try makeRoom(for: length)
        return try BlockWriter(cache: self, key: key, length: length, path: incoming + "/" + UUID().uuidString)
    }

    /// Renames a complete temporary block file into place and indexes it (for ``BlockWriter/commit()``).
    func install(_ temporary: String, as key: BlockKey, length: Int) throws {
        do {
            try lock.withLock {
                let folder = versionFolder(of: key)
                try FileIO.makeDirectories(folder)
                let path = folder + "/" + String(key.index)
                guard rename(temporary, path) == 0 else {
                    throw CacheIOError(path: path, operation: "rename block into", errno: errno)
                }
                usedBytes += Int64(length - (lengths.updateValue(length, forKey: key) ?? 0))
                recency.touch(key)
                evictOverflow()
            }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Removes every cached block of `item`, including blocks being read: reads that already opened a block
    /// finish with its contents, later ones miss.
    public func removeBlocks(of item: ItemID) {
        lock.withLock { removeBlocks { $0.item == item } }
    }

    /// Removes the cached blocks of `item` that belong to versions other than `version`.
    public func removeBlocks(of item: ItemID, except version: String) {
        lock.withLock { removeBlocks { $0.item == item && $0.version != version } }
    }

    // MARK: - Bookkeeping (`pin`, `unpin` and `discard` take the lock; the helpers after them expect it held)

    /// Pins a cached block against eviction and marks it most recently used. Returns nil on a miss, else whether
    /// the file's mtime must be refreshed so the new recency survives a restart (not needed when the block was
    /// already the most recent, which spares a syscall per read of a block being streamed).
    func pin(_ key: BlockKey) -> Bool? {
        lock.withLock {
            guard lengths[key] != nil else {
                misses += 1
                return nil
            }
            hits += 1
            pins[key, default: 0] += 1
            let touchFile = !recency.isMostRecent(key)
            recency.touch(key)
            return touchFile
        }
    }

    func unpin(_ key: BlockKey) {
        lock.withLock {
            if pins[key] == 1 { pins[key] = nil } else { pins[key]! -= 1 }
            if usedBytes > capacity { evictOverflow() }
        }
    }

    /// Forgets a block whose file is missing or damaged. Takes the lock.
    private func discard(_ key: BlockKey) {
        lock.withLock { removeBlocks { $0 == key } }
    }

    /// Evicts least recently used blocks while `length` more bytes would eat into the filesystem's reserve for
    /// metadata (see ``FilesystemSpace``): the cap is not the only limit when the disk is shared or small.
    /// Staged writes call this too: data not yet on Box matters more than cached copies of data that is.
    ///
    /// - Throws: `ENOSPC` (``CacheIOError``) if even evicting every unpinned block can't make room.
    public func makeRoom(for length: Int) throws {
        try lock.withLock {
            while let space = FilesystemSpace(of: root), !space.fits(length) {
                guard let victim = recency.leastRecent(where: { pins[$0] == nil }) else {
                    throw CacheIOError(path: root, operation: "cache a block in", errno: ENOSPC)
                }
                remove(victim)
            }
        }
    }

    private func evictOverflow() {
        while usedBytes > capacity, let victim = recency.leastRecent(where: { pins[$0] == nil }) {
            remove(victim)
        }
    }

    private func removeBlocks(where predicate: (BlockKey) -> Bool) {
        for key in lengths.keys.filter(predicate) { remove(key) }
    }

    private func remove(_ key: BlockKey) {
        guard let length = lengths.removeValue(forKey: key) else { return }
        recency.remove(key)
        usedBytes -= Int64(length)
        unlink(path(of: key))
        // Tidy now-empty folders; rmdir fails harmlessly while they still hold blocks. Stores create folders under
        // the same lock, so this can't pull a folder from under one.
        let folder = versionFolder(of: key)
        if rmdir(folder) == 0 { rmdir(itemFolder(of: key)) }
    }

    // MARK: - Paths

    private func itemFolder(of key: BlockKey) -> String { root + "/" + BlockFileName.encode(key.item.rawValue) }

    private func versionFolder(of key: BlockKey) -> String {
        itemFolder(of: key) + "/" + BlockFileName.encode(key.version)
    }

    private func path(of key: BlockKey) -> String { versionFolder(of: key) + "/" + String(key.index) }
}
