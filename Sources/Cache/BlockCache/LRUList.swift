/// Keys in order of last use, with O(1) touch and removal: a doubly linked list threaded through an array.
struct LRUList<Key: Hashable> {
    private struct Node {
        var key: Key
        var newer: Int?
        var older: Int?
    }

    private var nodes: [Node] = []
    private var freeSlots: [Int] = []
    private var slots: [Key: Int] = [:]
    private var newest: Int?
    private var oldest: Int?

    var count: Int { slots.count }

    func contains(_ key: Key) -> Bool { slots[key] != nil }

    func isMostRecent(_ key: Key) -> Bool { newest != nil && slots[key] == newest }

    /// Makes `key` the most recently used, inserting it if needed.
    mutating func touch(_ key: Key) {
        if let slot = slots[key] {
            guard slot != newest else { return }
            unlink(slot)
            link(slot)
        } else {
            let node = Node(key: key, newer: nil, older: nil)
            let slot: Int
            if let free = freeSlots.popLast() {
                nodes[free] = node
                slot = free
            } else {
                nodes.append(node)
                slot = nodes.count - 1
            }
            slots[key] = slot
            link(slot)
        }
    }

    mutating func remove(_ key: Key) {
        guard let slot = slots.removeValue(forKey: key) else { return }
        unlink(slot)
        freeSlots.append(slot)
    }

    /// The least recently used key that satisfies `predicate`.
    func leastRecent(where predicate: (Key) -> Bool) -> Key? {
        var cursor = oldest
        while let slot = cursor {
            if predicate(nodes[slot].key) { return nodes[slot].key }
            cursor = nodes[slot].newer
        }
        return nil
    }

    /// Inserts `slot` as the newest node.
    private mutating func link(_ slot: Int) {
        nodes[slot].older = newest
        nodes[slot].newer = nil
        if let newest { nodes[newest].newer = slot }
        newest = slot
        if oldest == nil { oldest = slot }
    }

    private mutating func unlink(_ slot: Int) {
        let (newer, older) = (nodes[slot].newer, nodes[slot].older)
        if let newer { nodes[newer].older = older } else { newest = older }
        if let older { nodes[older].newer = newer } else { oldest = newer }
    }
}
