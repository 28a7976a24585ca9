import Cache

/// Reads byte ranges of one version of one file through the block cache: the blocks a read touches are fetched
/// in parallel, and the read-ahead window of the handle decides what to prefetch behind them.
struct VersionReader: Sendable {
    let item: ItemID
    /// The version the handle opened; blocks are keyed by it, so a newer upload never mixes into this read.
    let version: String
    let size: Int64
    let fetcher: BlockFetcher

    /// Records a read in the handle's window and returns the range to prefetch with it. Synchronous, so the
    /// handle can move its window under its lock before the read waits.
    func prefetchRange(offset: Int64, length: Int, window: inout ReadAheadWindow) -> Range<Int64> {
        guard offset < size, length > 0 else { return 0..<0 }
        return window.record(offset: offset, length: min(Int64(length), size - offset), fileSize: size)
    }

    func read(offset: Int64, length: Int, prefetching prefetch: Range<Int64>) async throws -> ReadData {
        guard offset < size, length > 0 else { return .bytes([]) }
        let end = min(offset + Int64(length), size)
        let blockSize = Int64(fetcher.blockSize)
        let first = Int(offset / blockSize), last = Int((end - 1) / blockSize)
        await fetcher.prefetch(item: item, version: version, range: prefetch, fileSize: size)

        let (item, version, size, fetcher) = (self.item, self.version, self.size, self.fetcher)
        /// The part of the read that falls in block `index`, as offsets within that block.
        func piece(_ index: Int) -> Range<Int> {
            let blockStart = Int64(index) * blockSize
            return Int(max(offset, blockStart) - blockStart)..<Int(min(end, blockStart + blockSize) - blockStart)
        }
        func key(_ index: Int) -> BlockKey { BlockKey(item: item, version: version, index: index) }
        // The kernel's reads (≤ 1 MiB) mostly fall inside one block: no task group, and a cached block is
        // answered by splicing its file.
        if first == last { return try await fetcher.read(key(first), fileSize: size, within: piece(first)) }

        let pieces = try await withThrowingTaskGroup(of: (Int, ReadData).self) { group in
            for index in first...last {
                group.addTask { (index, try await fetcher.read(key(index), fileSize: size, within: piece(index))) }
            }
            var byIndex: [Int: ReadData] = [:]
            for try await (index, data) in group { byIndex[index] = data }
            return (first...last).map { byIndex[$0] ?? .bytes([]) }
        }
        // All cached: one spliced answer from several block files. Otherwise the pieces are joined in memory.
        let ranges = pieces.compactMap { if case .files(let ranges) = $0 { ranges } else { nil } }
        if ranges.count == pieces.count { return .files(ranges.flatMap { $0 }) }
        var result = [UInt8]()
        result.reserveCapacity(Int(end - offset))
        for piece in pieces { result += try piece.bytes() }
        return .bytes(result)
    }
}
