import Cache
import Logging

/// Fetches file blocks into the block cache, at most once each: concurrent readers of a block share one
/// download, and prefetches are skipped when the block is cached or already on its way.
///
/// A download streams into the cache's file for the block as it arrives, and readers read their slice from
/// there: no block is held in memory, and each byte is copied once fewer. Only when the cache can't take a
/// block (a full disk) is it downloaded into memory instead, for the readers waiting on it.
///
/// One budget covers every download in flight, for all open files: a prefetch starts only while the blocks
/// being downloaded (for readers or ahead of them) fit in it. Blocks a reader waits for are always fetched,
/// and count against the budget, so read-ahead yields to them.
///
/// An actor because it owns the table of downloads in flight; every method is quick bookkeeping, and the
/// downloads themselves run in child tasks, off the actor.
actor BlockFetcher {
    /// Downloads `range` of a file version, handing the bytes to `consume` in order. Supplied by the filesystem
    /// (the Box client behind it).
    typealias Fetch = @Sendable (
        _ item: ItemID, _ version: String, _ range: Range<Int64>,
        _ consume: (UnsafeRawBufferPointer) throws -> Void
    ) async throws -> Void

    /// How a download ended.
    private enum Landed: Sendable {
        /// The block is in the cache.
        case cached
        /// The cache couldn't take it: here are its bytes.
        case inMemory([UInt8])
    }

    private let cache: BlockCache
    private let fetch: Fetch
    private let memoryBudget: Int64
    private let logger: Logger
    private var inFlight: [BlockKey: Task<Landed, Error>] = [:]
    /// Bytes of the blocks being downloaded.
    private var bytesInFlight: Int64 = 0

    init(cache: BlockCache, memoryBudget: Int64, logger: Logger, fetch: @escaping Fetch) {
        self.cache = cache
        self.memoryBudget = memoryBudget
        self.logger = logger
        self.fetch = fetch
    }

    nonisolated var blockSize: Int { cache.blockSize }

    /// The bytes of block `key` of a file of `fileSize` bytes, from the cache or downloaded now.
    nonisolated func block(_ key: BlockKey, fileSize: Int64) async throws -> [UInt8] {
        try await read(key, fileSize: fileSize, within: 0..<cache.blockSize).bytes()
    }

    /// Bytes `range` (offsets within the block) of block `key` of a file of `fileSize` bytes, cut short where the
    /// block ends: from the cache as an open range of the block's file, else downloaded.
    ///
    /// A cached block is read only where asked: the kernel reads in pieces of at most 1 MiB, and reading the whole
    /// block for each of them would read it up to 32 times over. Nonisolated: cache hits are file reads that must
    /// not queue behind each other on the actor.
    nonisolated func read(_ key: BlockKey, fileSize: Int64, within range: Range<Int>) async throws -> ReadData {
        let wanted = range.clamped(to: 0..<cache.blockLength(index: key.index, fileSize: fileSize))
        guard !wanted.isEmpty else { return .bytes([]) }
        if let open = cached(key, fileSize: fileSize, wanted) { return .files([open]) }
        switch try await download(key, fileSize: fileSize).value {
        case .inMemory(let block):
            return .bytes(Array(block[wanted]))
        case .cached:
            if let open = cached(key, fileSize: fileSize, wanted) { return .files([open]) }
            // Evicted before we could read it (a cache smaller than the downloads in flight): fetch it for us alone.
            logger.debug("block \(key) was evicted as it landed; fetching it again")
            return .bytes(Array(try await Self.downloadIntoMemory(key, range: byteRange(of: key, fileSize: fileSize), fetch)[wanted]))
        }
    }

    /// Starts downloading the blocks covering `range` that are neither cached nor on their way, as far as the
    /// budget allows; returns without waiting.
    func prefetch(item: ItemID, version: String, range: Range<Int64>, fileSize: Int64) {
        guard !range.isEmpty else { return }
        let size = Int64(cache.blockSize)
        for index in Int(range.lowerBound / size)...Int((range.upperBound - 1) / size) {
            let key = BlockKey(item: item, version: version, index: index)
            guard inFlight[key] == nil, !cache.contains(key) else { continue }
            let length = Int64(cache.blockLength(index: index, fileSize: fileSize))
            guard bytesInFlight + length <= memoryBudget else { return }
            _ = download(key, fileSize: fileSize)
        }
    }

    /// The cached part of a block, opened for the bridge to splice (see ``ReadData/files(_:)``).
    private nonisolated func cached(_ key: BlockKey, fileSize: Int64, _ wanted: Range<Int>) -> OpenFileRange? {
        guard let open = cache.openRange(key, fileSize: fileSize, offset: wanted.lowerBound, count: wanted.count),
              open.count == wanted.count else { return nil }
        return open
    }

    private nonisolated func byteRange(of key: BlockKey, fileSize: Int64) -> Range<Int64> {
        let start = Int64(key.index) * Int64(cache.blockSize)
        return start..<min(start + Int64(cache.blockSize), fileSize)
    }

    private func download(_ key: BlockKey, fileSize: Int64) -> Task<Landed, Error> {
        if let running = inFlight[key] { return running }
        let range = byteRange(of: key, fileSize: fileSize)
        let (cache, fetch, logger) = (self.cache, self.fetch, self.logger)
        let task = Task<Landed, Error> {
            let writer: BlockWriter
            do {
                writer = try cache.writer(for: key, fileSize: fileSize)
            } catch {
                logger.warning("could not cache block \(key): \(error)")
                return .inMemory(try await Self.downloadIntoMemory(key, range: range, fetch))
            }
            do {
                try await fetch(key.item, key.version, range) { try writer.append($0) }
                try writer.commit()
                return .cached
            } catch let error as CacheIOError {
                // Still a good answer for the readers; only the next read pays again.
                logger.warning("could not cache block \(key): \(error)")
                writer.discard()
                return .inMemory(try await Self.downloadIntoMemory(key, range: range, fetch))
            } catch BlockCacheError.wrongBlockLength(_, let expected, let actual) {
                throw FileSystemError.localIO("download of \(key) gave \(actual) of \(expected) bytes")
            }
        }
        inFlight[key] = task
        bytesInFlight += Int64(range.count)
        Task { [weak self] in
            _ = try? await task.value
            await self?.downloadFinished(key, length: Int64(range.count))
        }
        return task
    }

    private func downloadFinished(_ key: BlockKey, length: Int64) {
        inFlight[key] = nil
        bytesInFlight -= length
    }

    private static func downloadIntoMemory(_ key: BlockKey, range: Range<Int64>, _ fetch: Fetch) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(range.count)
        try await fetch(key.item, key.version, range) { bytes.append(contentsOf: $0) }
        guard bytes.count == range.count else {
            throw FileSystemError.localIO("download of \(key) gave \(bytes.count) of \(range.count) bytes")
        }
        return bytes
    }
}
