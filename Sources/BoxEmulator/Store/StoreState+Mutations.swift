import Foundation

/// Content already in the blob store, about to become a file version.
struct StoredContent: Sendable {
    let sha1: String
    let size: Int64
}

/// The changes a `PUT /files/{id}` or `PUT /folders/{id}` asks for.
struct ItemChanges: Sendable {
    var name: String?
    var parentWireID: Substring?
    var contentModifiedAt: Date?
    var description: String?
}

/// Box's mutations. Each validates everything before changing anything, so a thrown error leaves the state as
/// it was, and records the events the change produces.
extension StoreState {
    // MARK: Creating

    mutating func createFolder(named name: String, in parentWireID: Substring, by user: UserID, at now: Date) throws -> Item {
        let parent = try resolve(parentWireID, kind: .folder, for: user)
        try NameRules.validate(name)
        try checkNameFree(name, in: parent.id, excluding: nil, conflictsAsArray: true)
        let folder = Item(
            id: allocateItemID(), name: name, parentID: parent.id, ownerID: user, revision: 0, createdAt: now,
            modifiedAt: now, contentCreatedAt: now, contentModifiedAt: now, description: "", status: .active,
            trashedAt: nil, createdBy: user, modifiedBy: user, file: nil)
        put(folder)
        record("ITEM_CREATE", folder, by: user, at: now)
        return folder
    }

    mutating func createFile(
        named name: String, in parentWireID: Substring, content: StoredContent, by user: UserID,
        contentCreatedAt: Date?, contentModifiedAt: Date?, at now: Date
    ) throws -> Item {
        let parent = try resolve(parentWireID, kind: .folder, for: user)
        try checkUpload(named: name, in: parent.id, size: content.size, replacing: nil, by: user)
        let version = FileVersion(id: allocateVersionID(), sha1: content.sha1, size: content.size, createdAt: now, uploader: user, versionNumber: 1)
        let file = Item(
            id: allocateItemID(), name: name, parentID: parent.id, ownerID: user, revision: 0, createdAt: now,
            modifiedAt: now, contentCreatedAt: contentCreatedAt ?? now, contentModifiedAt: contentModifiedAt ?? now,
            description: "", status: .active, trashedAt: nil, createdBy: user, modifiedBy: user,
            file: FileState(first: version))
        put(file)
        record("ITEM_UPLOAD", file, by: user, at: now)
        return file
    }

    mutating func addVersion(
        to fileWireID: Substring, content: StoredContent, renamingTo newName: String?, by user: UserID,
        contentModifiedAt: Date?, ifMatch: String?, at now: Date
    ) throws -> Item {
        var file = try resolve(fileWireID, kind: .file, for: user)
        try check(ifMatch: ifMatch, against: file)
        let name = newName ?? file.name
        try checkUpload(named: name, in: file.parentID!, size: content.size, replacing: file, by: user)
        let number = (file.file?.current.versionNumber ?? 0) + 1
        file.file?.append(FileVersion(id: allocateVersionID(), sha1: content.sha1, size: content.size, createdAt: now, uploader: user, versionNumber: number))
        file.name = name
        file.contentModifiedAt = contentModifiedAt ?? now
        file.touch(by: user, at: now)
        put(file)
        record("ITEM_UPLOAD", file, by: user, at: now)
        return file
    }

    /// The checks a simple upload, chunked session or preflight make: name rules, a free name (conflicts as an
    /// OBJECT, like Box's upload endpoints), the per-file size limit and the quota.
    func checkUpload(named name: String, in folder: ItemID, size: Int64?, replacing existing: Item?, by user: UserID) throws {
        try NameRules.validate(name)
        try checkNameFree(name, in: folder, excluding: existing?.id, conflictsAsArray: false)
        guard let size else { return }
        let owner = try self.user(user)
        if size > owner.maxUploadSize {
            throw BoxError.forbidden("file_size_limit_exceeded", "File size exceeds the folder owner's file size limit")
        }
        let freed = existing?.file?.current.size ?? 0
        if spaceUsed(by: user) - freed + size > owner.spaceAmount {
            throw BoxError.forbidden("storage_limit_exceeded", "Account storage limit reached")
        }
    }

    // MARK: Changing

    mutating func update(_ kind: ItemKind, _ wireID: Substring, with changes: ItemChanges, ifMatch: String?, by user: UserID, at now: Date) throws -> Item {
        var item = try resolve(wireID, kind: kind, for: user)
        var destination = item.parentID
        if let parentWireID = changes.parentWireID {
            let parent = try resolve(parentWireID, kind: .folder, for: user)
            destination = parent.id
        }
        let moves = destination != item.parentID
        // If-Match never protects moves: a move always moves the latest item (box-api.md §5).
        if !moves { try check(ifMatch: ifMatch, against: item) }
        if item.isRoot && (moves || changes.name != nil) {
            throw BoxError.forbidden()
        }
        let name = changes.name ?? item.name
        if changes.name != nil { try NameRules.validate(name) }
        if let destination {
            if moves && kind == .folder && (destination == item.id || ancestorIDs(of: destination).contains(item.id)) {
                throw BoxError.badRequest("Cannot move a folder into its own subtree", code: "cyclical_folder_structure")
            }
            try checkNameFree(name, in: destination, excluding: item.id, conflictsAsArray: kind == .folder)
        }
        let renamed = name != item.name
        if moves { item.parentID = destination }
        item.name = name
        if let date = changes.contentModifiedAt { item.contentModifiedAt = date }
        if let description = changes.description { item.description = String(description.prefix(255)) }
        item.touch(by: user, at: now)
        put(item)
        record(moves ? "ITEM_MOVE" : renamed ? "ITEM_RENAME" : "ITEM_MODIFY", item, by: user, at: now)
        return item
    }

    mutating func copy(_ kind: ItemKind, _ wireID: Substring, to parentWireID: Substring, name newName: String?, by user: UserID, at now: Date) throws -> Item {
        let source = try resolve(wireID, kind: kind, for: user)
        if source.isRoot { throw BoxError(.internalServerError, "internal_server_error", "The root folder can't be copied") }
        let parent = try resolve(parentWireID, kind: .folder, for: user)
        if kind == .folder && (parent.id == source.id || ancestorIDs(of: parent.id).contains(source.id)) {
            throw BoxError.badRequest("Cannot copy a folder into its own subtree", code: "cyclical_folder_structure")
        }
        let name = newName ?? source.name
        try NameRules.validate(name)
        try checkNameFree(name, in: parent.id, excluding: nil, conflictsAsArray: kind == .folder)
        let copy = duplicate(source, into: parent.id, name: name, by: user, at: now)
        record("ITEM_COPY", copy, by: user, at: now)
        return copy
    }

    /// Moves an item to the trash; a non-empty folder needs `recursive`.
    mutating func trash(_ kind: ItemKind, _ wireID: Substring, recursive: Bool, ifMatch: String?, by user: UserID, at now: Date) throws {
        var item = try resolve(wireID, kind: kind, for: user)
        try check(ifMatch: ifMatch, against: item)
        if item.isRoot { throw BoxError.forbidden() }
        if kind == .folder && !recursive && !activeChildren(of: item.id).isEmpty {
            throw BoxError.badRequest("Cannot delete – folder not empty", code: "folder_not_empty")
        }
        item.status = .trashed
        item.trashedAt = now
        item.touch(by: user, at: now)
        put(item)
        record("ITEM_TRASH", item, by: user, at: now)
    }

    // MARK: Helpers

    /// Throws 412 when `ifMatch` is given and differs from the item's etag.
    func check(ifMatch: String?, against item: Item) throws {
        guard let ifMatch, !ifMatch.isEmpty, ifMatch != "*" else { return }
        let wanted = ifMatch.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")).replacingOccurrences(of: "W/", with: "")
        if wanted != item.etag { throw BoxError.preconditionFailed() }
    }

    /// Box answers folder-creation conflicts with an ARRAY of minis and upload/file conflicts with an OBJECT.
    func checkNameFree(_ name: String, in folder: ItemID, excluding: ItemID?, conflictsAsArray: Bool) throws {
        guard let existing = conflict(in: folder, name: name, excluding: excluding) else { return }
        let mini = render(existing, .mini)
        throw BoxError.nameInUse(conflicts: conflictsAsArray ? .array([mini]) : mini)
    }

    private func ancestorIDs(of folder: ItemID) -> Set<ItemID> {
        guard let item = items[folder] else { return [] }
        return Set(ancestors(of: item).map(\.id))
    }

    /// Copies an item (and a folder's active subtree) with new ids; file versions keep their blobs.
    private mutating func duplicate(_ source: Item, into parent: ItemID, name: String, by user: UserID, at now: Date) -> Item {
        var file: FileState?
        if let current = source.file?.current {
            file = FileState(first: FileVersion(id: allocateVersionID(), sha1: current.sha1, size: current.size, createdAt: now, uploader: user, versionNumber: 1))
        }
        let copy = Item(
            id: allocateItemID(), name: name, parentID: parent, ownerID: user, revision: 0, createdAt: now,
            modifiedAt: now, contentCreatedAt: source.contentCreatedAt, contentModifiedAt: source.contentModifiedAt,
            description: source.description, status: .active, trashedAt: nil, createdBy: user, modifiedBy: user, file: file)
        put(copy)
        if source.kind == .folder {
            for child in activeChildren(of: source.id) {
                _ = duplicate(child, into: copy.id, name: child.name, by: user, at: now)
            }
        }
        return copy
    }

    /// Event sources are standard items without the embedded listing.
    static let eventSourceFields = FieldSelection.custom(standardFileFields + standardFolderFields.filter { $0 != "item_collection" })

    mutating func record(_ type: String, _ item: Item, by user: UserID, at now: Date) {
        guard recordsEvents else { return }
        pendingEvents.append(PendingEvent(user: item.ownerID, type: type, createdBy: userMini(user), source: render(item, Self.eventSourceFields), date: now))
    }
}
