import Foundation

/// The emulated account data: users, the item tree, id counters. A plain value mutated only inside
/// `BoxStore`'s lock; the Box operations on it live in the `StoreState+*.swift` extensions.
struct StoreState: Codable, Sendable {
    var users: [UserID: EmulatedUser] = [:]
    /// Change items only through `put`, which keeps `index` in step.
    private(set) var items: [ItemID: Item] = [:]
    private(set) var index = ItemIndex()
    var nextItemID: UInt64 = 100_001
    var nextVersionID: UInt64 = 500_001
    let enterpriseID: String

    /// Off while seeding: seeded content predates every client, so it has no events.
    var recordsEvents = true
    /// Events produced by the mutation in progress; `BoxStore` hands them to the event log after the write.
    var pendingEvents: [PendingEvent] = []

    private enum CodingKeys: String, CodingKey {
        case users, items, nextItemID, nextVersionID, enterpriseID
    }

    init(enterpriseID: String) {
        self.enterpriseID = enterpriseID
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        users = try container.decode([UserID: EmulatedUser].self, forKey: .users)
        let loaded = try container.decode([ItemID: Item].self, forKey: .items)
        nextItemID = try container.decode(UInt64.self, forKey: .nextItemID)
        nextVersionID = try container.decode(UInt64.self, forKey: .nextVersionID)
        enterpriseID = try container.decode(String.self, forKey: .enterpriseID)
        for item in loaded.values { put(item) }
    }

    /// Stores a new or changed item and updates the index.
    mutating func put(_ item: Item) {
        if let old = items[item.id] { index.remove(old) }
        index.add(item)
        items[item.id] = item
    }

    /// Removes an item for good (purge); its children must be removed too.
    mutating func delete(_ id: ItemID) {
        guard let item = items.removeValue(forKey: id) else { return }
        index.remove(item)
    }

    mutating func allocateItemID() -> ItemID {
        defer { nextItemID += 1 }
        return ItemID(nextItemID)
    }

    mutating func allocateVersionID() -> UInt64 {
        defer { nextVersionID += 1 }
        return nextVersionID
    }

    // MARK: Lookup

    func user(_ id: UserID) throws -> EmulatedUser {
        guard let user = users[id] else { throw BoxError.notFound("User not found") }
        return user
    }

    /// The item a wire id names for `user`: "0" is their root; other users' items are invisible (404), as are
    /// items of the other kind; items in the trash (directly or through an ancestor) give 404 `trashed`.
    func resolve(_ wireID: Substring, kind: ItemKind, for user: UserID, allowTrashed: Bool = false) throws -> Item {
        guard let id = ItemID(wire: wireID) else { throw BoxError.notFound() }
        let owner = try self.user(user)
        let resolved = id == .rootAlias ? owner.rootID : id
        guard let item = items[resolved], item.ownerID == user, item.kind == kind else {
            throw BoxError.notFound()
        }
        if !allowTrashed && isTrashed(item) { throw BoxError.trashed() }
        return item
    }

    /// Whether the item or one of its ancestors is in the trash.
    func isTrashed(_ item: Item) -> Bool {
        var current: Item? = item
        while let node = current {
            if node.status == .trashed { return true }
            current = node.parentID.flatMap { items[$0] }
        }
        return false
    }

    /// Active children of a folder, unsorted.
    func activeChildren(of folder: ItemID) -> [Item] {
        (index.activeByName[folder] ?? [:]).values.compactMap { items[$0] }
    }

    /// The active sibling that `name` would clash with (case-insensitively), other than `excluding`.
    func conflict(in folder: ItemID, name: String, excluding: ItemID? = nil) -> Item? {
        guard let id = index.activeByName[folder]?[NameRules.key(name)], id != excluding else { return nil }
        return items[id]
    }

    /// Ancestors from the root down to the direct parent.
    func ancestors(of item: Item) -> [Item] {
        var chain: [Item] = []
        var current = item.parentID.flatMap { items[$0] }
        while let node = current {
            chain.append(node)
            current = node.parentID.flatMap { items[$0] }
        }
        return chain.reversed()
    }

    /// Bytes of current versions the user owns, trash included (Box counts the trash against the quota).
    func spaceUsed(by user: UserID) -> Int64 {
        index.spaceUsed[user] ?? 0
    }

    /// Recursive size of a folder's active content.
    func folderSize(_ folder: ItemID) -> Int64 {
        activeChildren(of: folder).reduce(0) { sum, child in
            sum + (child.file?.current.size ?? folderSize(child.id))
        }
    }
}

/// An event recorded by a mutation, rendered with the item as it is after the change.
struct PendingEvent: Sendable {
    let user: UserID
    let type: String
    let createdBy: JSONValue
    let source: JSONValue
    let date: Date
}
