/// Lookups derived from the items, kept in step by `StoreState.put`: children of each folder, active children
/// by case-folded name (the uniqueness rule and listings), and bytes used per user. Never persisted; rebuilt
/// from the items on load.
struct ItemIndex: Sendable {
    private(set) var children: [ItemID: Set<ItemID>] = [:]
    private(set) var activeByName: [ItemID: [String: ItemID]] = [:]
    private(set) var spaceUsed: [UserID: Int64] = [:]

    mutating func add(_ item: Item) {
        spaceUsed[item.ownerID, default: 0] += item.file?.current.size ?? 0
        guard let parent = item.parentID else { return }
        children[parent, default: []].insert(item.id)
        if item.status == .active { activeByName[parent, default: [:]][NameRules.key(item.name)] = item.id }
    }

    mutating func remove(_ item: Item) {
        spaceUsed[item.ownerID, default: 0] -= item.file?.current.size ?? 0
        guard let parent = item.parentID else { return }
        children[parent]?.remove(item.id)
        let key = NameRules.key(item.name)
        if activeByName[parent]?[key] == item.id { activeByName[parent]?[key] = nil }
    }
}
