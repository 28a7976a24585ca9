import Cache
import Logging

/// Fetches file blocks into the block cache, at most once each: concurrent readers of a block share one
/// download, and prefetches are skipped when the block is cached or already on its way.
///
/// One memory budget covers every download in flight, for all open files: a prefetch starts only while the
/// blocks being downloaded (for readers or ahead of them) fit in it. Blocks a reader waits for are always
/// fetched, and count against the budget, so read-ahead yields to them.
///
/// An actor because it owns the table of downloads in flight; every method is quick bookkeeping, and the
/// downloads themselves run in child tasks, off the actor.
actor BlockFetcher {
    /// Downloads `range` of a file version. Supplied by the filesystem (the Box client behind it).
    typealias Fetch = @Sendable (_ item: ItemID, _ version: String, _ range: Range<Int64>) async throws -> [UInt8]

    private let cache: BlockCache
    private let fetch: Fetch
    private let memoryBudget: Int64
    private let logger: Logger
    private var inFlight: [BlockKey: Task<[UInt8], Error>] = [:]
    /// Bytes of the blocks being downloaded, each held in memory until it is cached.
    private var bytesInFlight: Int64 = 0

    init(cache: BlockCache, memoryBudget: Int64, logger: Logger, fetch: @escaping Fetch) {
        self.cache = cache
        self.memoryBudget = memoryBudget
        self.logger = logger
        self.fetch = fetch
    }

    nonisolated var blockSize: Int { cache.blockSize }

    /// The bytes of block `key` of a file of `fileSize` bytes, from the cache or downloaded now.
    ///
    /// Nonisolated, like ``read(_:fileSize:within:)``: cache hits are file reads that must not queue behind
    /// each other on the actor.
    nonisolated func block(_ key: BlockKey, fileSize: Int64) async throws -> [UInt8] {
        if let cached = cache.read(key, fileSize: fileSize) { return cached }
        return try await download(key, fileSize: fileSize).value
    }

    /// Bytes `range` (offsets within the block) of block `key` of a file of `fileSize` bytes, cut short where the
    /// block ends.
    ///
    /// A cached block is read only where asked: the kernel reads in pieces of at most 1 MiB, and reading the whole
    /// block for each of them would read it up to 32 times over.
    nonisolated func read(_ key: BlockKey, fileSize: Int64, within range: Range<Int>) async throws -> [UInt8] {
        let length = cache.blockLength(index: key.index, fileSize: fileSize)
        let wanted = range.clamped(to: 0..<length)
        guard !wanted.isEmpty else { return [] }
        var hit = false
        let slice = [UInt8](unsafeUninitializedCapacity: wanted.count) { buffer, count in
            let copied = cache.read(key, fileSize: fileSize, offset: wanted.lowerBound,
                                    into: UnsafeMutableRawBufferPointer(buffer))
            hit = copied == wanted.count
            count = hit ? wanted.count : 0
        }
        if hit { return slice }
        return Array(try await download(key, fileSize: fileSize).value[wanted])
    }

    /// Starts downloading the blocks covering `range` that are neither cached nor on their way, as far as the
    /// memory budget allows; returns without waiting.
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

    private func download(_ key: BlockKey, fileSize: Int64) -> Task<[UInt8], Error> {
        if let running = inFlight[key] { return running }
        let start = Int64(key.index) * Int64(cache.blockSize)
        let range = start..<min(start + Int64(cache.blockSize), fileSize)
        let (cache, fetch, logger) = (self.cache, self.fetch, self.logger)
        let task = Task<[UInt8], Error> {
            let bytes = try await fetch(key.item, key.version, range)
            guard bytes.count == range.count else {
                throw FileSystemError.localIO("short download of \(key): \(bytes.count) of \(range.count) bytes")
            }
            do {
                try cache.store(key, fileSize: fileSize, bytes: bytes)
            } catch {
                // Still a good answer for the reader; only the next read pays again.
                logger.warning("could not cache block \(key): \(error)")
            }
            return bytes
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
}
