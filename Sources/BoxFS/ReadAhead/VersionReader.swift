import Cache

/// Reads byte ranges of one version of one file through the block cache: the blocks a read touches are fetched
/// in parallel, and the read-ahead window of the handle decides what to prefetch behind them.
struct VersionReader: Sendable {
    let item: ItemID
    /// The version the handle opened; blocks are keyed by it, so a newer upload never mixes into this read.
    let version: String
    let size: Int64
    let fetcher: BlockFetcher

    func read(offset: Int64, length: Int, window: inout ReadAheadWindow) async throws -> [UInt8] {
        guard offset < size, length > 0 else { return [] }
        let end = min(offset + Int64(length), size)
        let prefetch = window.record(offset: offset, length: end - offset, fileSize: size)
        let blockSize = Int64(fetcher.blockSize)
        let first = Int(offset / blockSize), last = Int((end - 1) / blockSize)
        await fetcher.prefetch(item: item, version: version, range: prefetch, fileSize: size)

        let (item, version, size, fetcher) = (self.item, self.version, self.size, self.fetcher)
        let blocks = try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
            for index in first...last {
                group.addTask {
                    let key = BlockKey(item: item, version: version, index: index)
                    return (index, try await fetcher.block(key, fileSize: size))
                }
            }
            var byIndex: [Int: [UInt8]] = [:]
            for try await (index, bytes) in group { byIndex[index] = bytes }
            return byIndex
        }
        var result = [UInt8]()
        result.reserveCapacity(Int(end - offset))
        for index in first...last {
            guard let bytes = blocks[index] else { continue }
            let blockStart = Int64(index) * blockSize
            let from = Int(max(offset, blockStart) - blockStart)
            let to = Int(min(end, blockStart + Int64(bytes.count)) - blockStart)
            if from < to { result.append(contentsOf: bytes[from..<to]) }
        }
        return result
    }
}
