import Cache

/// Items this mount deleted (unlink, rmdir, the target a rename replaced), with the sequence id each had then.
///
/// Box may deliver an item's older events after our delete of it, and an event about an item the cache doesn't
/// hold looks like a new one: fsx saw a replaced file come back under its old name, and, inserted under the name
/// the live file had taken, push that file out of the listing until the later events arrived. Events of a
/// deleted item no newer than its deletion are old news. Memory only, and bounded: after a remount an old event
/// of an item deleted before it can still bring it back until Box's trash event follows (fsx's window was 0.1 s).
final class DeletedItems: Sendable {
    private struct State {
        var sequences: [ItemID: Int] = [:]
        var order: [ItemID] = []
    }

    private let state = Locked(State())
    private let capacity: Int

    init(capacity: Int = 10_000) { self.capacity = capacity }

    /// Records the delete of `record` (nothing if Box gave it no sequence id: then no event can be judged).
    func deleted(_ record: ItemRecord) {
        guard let sequence = record.sequenceID.flatMap(Int.init) else { return }
        state.withLock { state in
            if state.sequences.updateValue(sequence, forKey: record.id) == nil { state.order.append(record.id) }
            if state.order.count > capacity {
                let excess = state.order.count - capacity
                for id in state.order.prefix(excess) { state.sequences[id] = nil }
                state.order.removeFirst(excess)
            }
        }
    }

    /// Whether an event showing item `id` at `sequenceID` predates (or is) the state this mount deleted.
    func isOldNews(_ id: ItemID, sequenceID: String?) -> Bool {
        guard let sequence = sequenceID.flatMap(Int.init) else { return false }
        return state.withLock { state in state.sequences[id].map { sequence <= $0 } ?? false }
    }
}
