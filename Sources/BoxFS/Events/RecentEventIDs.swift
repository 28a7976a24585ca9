/// The ids of recently applied events: Box delivers some events twice, and applying a move or a delete twice
/// is harmless but a wasted invalidation; a bounded memory is enough because duplicates arrive close together.
struct RecentEventIDs {
    private var order: [String] = []
    private var seen: Set<String> = []
    let capacity: Int

    init(capacity: Int = 4096) { self.capacity = capacity }

    /// Records `id`; returns false if it was already recorded.
    mutating func insert(_ id: String) -> Bool {
        guard seen.insert(id).inserted else { return false }
        order.append(id)
        if order.count > capacity {
            seen.remove(order.removeFirst())
        }
        return true
    }
}
