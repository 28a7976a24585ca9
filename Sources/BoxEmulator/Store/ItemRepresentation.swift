import Foundation

/// Rendering items in Box's JSON shapes. Runs inside the store lock so sizes and paths are consistent.
extension StoreState {
    static let baseFields = ["type", "id", "etag"]
    static let miniFileFields = ["type", "id", "file_version", "sequence_id", "etag", "sha1", "name"]
    static let miniFolderFields = ["type", "id", "sequence_id", "etag", "name"]
    static let standardFileFields = miniFileFields + [
        "description", "size", "path_collection", "created_at", "modified_at", "trashed_at", "purged_at",
        "content_created_at", "content_modified_at", "created_by", "modified_by", "owned_by", "shared_link",
        "parent", "item_status",
    ]
    static let standardFolderFields = miniFolderFields + [
        "created_at", "modified_at", "description", "size", "path_collection", "created_by", "modified_by",
        "trashed_at", "purged_at", "content_created_at", "content_modified_at", "owned_by", "shared_link",
        "folder_upload_email", "parent", "item_status", "item_collection",
    ]

    func render(_ item: Item, _ selection: FieldSelection) -> JSONValue {
        let names: [String]
        switch selection {
        case .mini: names = item.kind == .file ? Self.miniFileFields : Self.miniFolderFields
        case .standard: names = item.kind == .file ? Self.standardFileFields : Self.standardFolderFields
        case let .custom(requested): names = Self.baseFields + requested.filter { !Self.baseFields.contains($0) }
        }
        var members: [(String, JSONValue)] = []
        for name in names where !members.contains(where: { $0.0 == name }) {
            if let value = field(name, of: item) { members.append((name, value)) }
        }
        return .object(members)
    }

    /// The mini form used for `parent` and `path_collection` entries; the root is "0" / "All Files" with null
    /// etag and sequence_id.
    func folderReference(_ folder: Item) -> JSONValue {
        if folder.isRoot {
            return .object([("type", "folder"), ("id", "0"), ("sequence_id", nil), ("etag", nil), ("name", "All Files")])
        }
        return render(folder, .mini)
    }

    static let trashReference: JSONValue = .object([
        ("type", "folder"), ("id", "1"), ("sequence_id", nil), ("etag", nil), ("name", "Trash"),
    ])

    func userMini(_ id: UserID) -> JSONValue {
        guard let user = users[id] else { return nil }
        return .object([("type", "user"), ("id", .string(user.id.rawValue)), ("name", .string(user.name)), ("login", .string(user.login))])
    }

    /// One field of an item; `nil` for fields the emulator doesn't know (they're left out).
    private func field(_ name: String, of item: Item) -> JSONValue? {
        let root = item.isRoot
        switch name {
        case "type": return .string(item.kind.rawValue)
        case "id": return root ? "0" : .string(item.id.description)
        case "etag", "sequence_id": return root ? .null : .string(item.etag)
        case "name": return root ? "All Files" : .string(item.name)
        case "sha1": return item.file.map { .string($0.current.sha1) }
        case "file_version":
            return item.file.map { .object([("type", "file_version"), ("id", .string(String($0.current.id))), ("sha1", .string($0.current.sha1))]) }
        case "version_number": return item.file.map { .string(String($0.current.versionNumber)) }
        case "description": return .string(item.description)
        case "size": return .int(item.file?.current.size ?? folderSize(item.id))
        case "path_collection":
            let entries = isTrashed(item) && item.status == .trashed ? [Self.trashReference] : ancestors(of: item).map(folderReference)
            return .object([("total_count", .int(Int64(entries.count))), ("entries", .array(entries))])
        case "created_at": return root ? .null : .string(BoxDate.format(item.createdAt))
        case "modified_at": return root ? .null : .string(BoxDate.format(item.modifiedAt))
        case "content_created_at": return root ? .null : .string(BoxDate.format(item.contentCreatedAt))
        case "content_modified_at": return root ? .null : .string(BoxDate.format(item.contentModifiedAt))
        case "trashed_at": return item.trashedAt.map { .string(BoxDate.format($0)) } ?? .null
        case "purged_at": return item.trashedAt.map { .string(BoxDate.format($0.addingTimeInterval(30 * 86400))) } ?? .null
        case "created_by": return userMini(item.createdBy)
        case "modified_by": return userMini(item.modifiedBy)
        case "owned_by": return userMini(item.ownerID)
        case "shared_link", "folder_upload_email", "lock", "expires_at": return nil as JSONValue
        case "parent": return item.parentID.flatMap { items[$0] }.map(folderReference) ?? .null
        case "item_status": return .string(item.status.rawValue)
        case "extension":
            guard item.kind == .file, let dot = item.name.lastIndex(of: "."), dot != item.name.startIndex else { return item.kind == .file ? "" : nil }
            return .string(String(item.name[item.name.index(after: dot)...]))
        case "tags": return .array([])
        case "comment_count": return item.kind == .file ? 0 : nil
        case "has_collaborations", "is_externally_owned", "is_package", "is_collaboration_restricted_to_enterprise":
            return false
        case "sync_state": return item.kind == .folder ? "not_synced" : nil
        case "permissions": return permissions(for: item)
        case "item_collection": return item.kind == .folder ? itemCollection(of: item) : nil
        default: return nil
        }
    }

    private func permissions(for item: Item) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("can_delete", .bool(!item.isRoot)), ("can_download", true), ("can_invite_collaborator", true),
            ("can_rename", .bool(!item.isRoot)), ("can_set_share_access", true), ("can_share", true),
        ]
        if item.kind == .folder {
            members.append(("can_upload", true))
        } else {
            members += [("can_annotate", true), ("can_comment", true), ("can_preview", true), ("can_upload", true),
                        ("can_view_annotations_all", true), ("can_view_annotations_self", true)]
        }
        return .object(members)
    }

    /// The first 100 children, as `GET /folders/{id}` embeds them.
    private func itemCollection(of folder: Item) -> JSONValue {
        let sorted = sortedChildren(of: folder.id, by: .name, ascending: true)
        return .object([
            ("total_count", .int(Int64(sorted.count))),
            ("entries", .array(sorted.prefix(100).map { render($0, .mini) })),
            ("offset", 0), ("limit", 100),
            ("order", ListingOrder.name.orderJSON(ascending: true)),
        ])
    }

    /// Active children grouped folders-first (Box always groups by type), then by `key`.
    func sortedChildren(of folder: ItemID, by key: ListingOrder, ascending: Bool) -> [Item] {
        if key == .name { return sortedByName(folder, ascending: ascending) }
        return activeChildren(of: folder).sorted { a, b in
            if a.kind != b.kind { return a.kind == .folder }
            let ordered = key.areInIncreasingOrder(a, b, folderSize: folderSize)
            let reversed = key.areInIncreasingOrder(b, a, folderSize: folderSize)
            if ordered == reversed { return a.id < b.id }
            return ascending ? ordered : reversed
        }
    }

    /// The name order with its keys taken once: the index already holds each child's case-folded name, and
    /// folding inside the comparator (with whole `Item`s copied by the sort) made every page of a 10,000-entry
    /// folder cost 150 ms, which the benchmarks then charged to the client.
    private func sortedByName(_ folder: ItemID, ascending: Bool) -> [Item] {
        struct Key { let isFolder: Bool; let folded: String; let name: String; let id: ItemID }
        let keys = (index.activeByName[folder] ?? [:]).compactMap { folded, id in
            items[id].map { Key(isFolder: $0.kind == .folder, folded: folded, name: $0.name, id: id) }
        }
        return keys.sorted { a, b in
            if a.isFolder != b.isFolder { return a.isFolder }
            if a.folded != b.folded { return ascending ? a.folded < b.folded : a.folded > b.folded }
            if a.name != b.name { return ascending ? a.name < b.name : a.name > b.name }
            return a.id < b.id
        }.compactMap { items[$0.id] }
    }
}

/// The `sort` parameter of folder listings: the secondary key after the type grouping.
enum ListingOrder: String, Sendable {
    case id, name, date, size

    func areInIncreasingOrder(_ a: Item, _ b: Item, folderSize: (ItemID) -> Int64) -> Bool {
        switch self {
        case .id: return a.id < b.id
        case .name:
            let (x, y) = (NameRules.key(a.name), NameRules.key(b.name))
            return x != y ? x < y : a.name < b.name
        case .date: return a.modifiedAt < b.modifiedAt
        case .size: return (a.file?.current.size ?? folderSize(a.id)) < (b.file?.current.size ?? folderSize(b.id))
        }
    }

    func orderJSON(ascending: Bool) -> JSONValue {
        let direction: JSONValue = ascending ? "ASC" : "DESC"
        return .array([
            .object([("by", "type"), ("direction", "ASC")]),
            .object([("by", .string(rawValue)), ("direction", direction)]),
        ])
    }
}
