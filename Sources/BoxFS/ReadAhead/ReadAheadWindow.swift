/// Decides, per open file, how far ahead of a read to prefetch.
///
/// Sequential readers (cp, rsync, tar, sha1sum) get a window that doubles with every read continuing the last
/// one, up to `maximum`; a read anywhere else resets it, so random access (databases, `tail`, seeking media
/// players) doesn't drag in data nobody asked for.
struct ReadAheadWindow: Sendable {
    let initial: Int64
    let maximum: Int64
    private(set) var size: Int64 = 0
    private var expectedOffset: Int64 = 0

    init(initial: Int64, maximum: Int64) {
        self.initial = min(initial, maximum)
        self.maximum = maximum
    }

    /// Records a read of `length` bytes at `offset` and returns the byte range worth prefetching after it
    /// (empty when the read doesn't look sequential).
    mutating func record(offset: Int64, length: Int64, fileSize: Int64) -> Range<Int64> {
        let end = min(offset + length, fileSize)
        // The kernel splits a sequential stream into reads of max_read bytes and may issue a couple in
        // parallel, so "sequential" allows a little slack around the expected offset.
        let sequential = offset == 0 || abs(offset - expectedOffset) <= 2 * max(length, 1)
        if sequential {
            size = size == 0 ? initial : min(size * 2, maximum)
        } else {
            size = 0
        }
        expectedOffset = end
        guard size > 0, end < fileSize else { return end..<end }
        return end..<min(end + size, fileSize)
    }
}
