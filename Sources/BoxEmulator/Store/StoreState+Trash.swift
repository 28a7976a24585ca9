import Foundation

/// The trash: items trashed directly (not those inside a trashed folder) can be inspected, restored or purged.
extension StoreState {
    /// The user's directly trashed items, by name.
    func trashedItems(of user: UserID) -> [Item] {
        items.values.filter { $0.ownerID == user && $0.status == .trashed }
            .sorted { ($0.kind == .folder ? 0 : 1, NameRules.key($0.name), $0.id) < ($1.kind == .folder ? 0 : 1, NameRules.key($1.name), $1.id) }
    }

    /// A directly trashed item: 404 `not_trashed` otherwise.
    func resolveTrashed(_ wireID: Substring, kind: ItemKind, for user: UserID) throws -> Item {
        let item = try resolve(wireID, kind: kind, for: user, allowTrashed: true)
        guard item.status == .trashed else { throw BoxError(.notFound, "not_trashed", "Item is not trashed") }
        return item
    }

    /// Restores a trashed item into `parentWireID`, or its old folder, or the root if that is gone too.
    mutating func restore(_ kind: ItemKind, _ wireID: Substring, name newName: String?, parentWireID: Substring?, by user: UserID, at now: Date) throws -> Item {
        var item = try resolveTrashed(wireID, kind: kind, for: user)
        let parent: Item
        if let parentWireID {
            parent = try resolve(parentWireID, kind: .folder, for: user)
        } else if let old = item.parentID.flatMap({ items[$0] }), !isTrashed(old) {
            parent = old
        } else {
            parent = try resolve(Substring(ItemID.rootAlias.description), kind: .folder, for: user)
        }
        let name = newName ?? item.name
        try NameRules.validate(name)
        try checkNameFree(name, in: parent.id, excluding: item.id, conflictsAsArray: kind == .folder)
        item.parentID = parent.id
        item.name = name
        item.status = .active
        item.trashedAt = nil
        item.touch(by: user, at: now)
        put(item)
        record("ITEM_UNDELETE_VIA_TRASH", item, by: user, at: now)
        return item
    }

    /// Deletes a trashed item and everything under it for good.
    mutating func purge(_ kind: ItemKind, _ wireID: Substring, by user: UserID) throws {
        let item = try resolveTrashed(wireID, kind: kind, for: user)
        var pending = [item.id]
        while let id = pending.popLast() {
            pending += index.children[id] ?? []
            delete(id)
        }
    }
}
