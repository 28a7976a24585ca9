import Cache
import Foundation
import NIOHTTP1

extension BoxClient {
    /// A file's metadata (`GET /files/{id}`).
    public func file(_ id: ItemID) async throws -> BoxItem {
        try await sendJSON(
            apiRequest(.GET, "/files/\(BoxURL.segment(id.rawValue))", query: [("fields", BoxItem.fields)], kind: .file))
    }

    /// The metadata of a file or folder.
    public func item(_ id: ItemID, kind: ItemKind) async throws -> BoxItem {
        switch kind {
        case .file: return try await file(id)
        case .folder: return try await folder(id)
        }
    }

    /// The metadata of a file or folder unless it still has `etag` (`If-None-Match`): Box then answers
    /// `304` with no body, which costs a call but no listing or JSON. Box bumps an item's etag on every
    /// change of the item itself (content, name, parent, times), so nil proves the cached record current.
    /// It says nothing about a folder's children (box-api.md §5): listings are revalidated by listing.
    ///
    /// - Returns: The item, or nil when it is unchanged.
    public func itemIfChanged(_ id: ItemID, kind: ItemKind, etag: String?) async throws -> BoxItem? {
        var request = apiRequest(
            .GET, "/\(kind.pathComponent)/\(BoxURL.segment(id.rawValue))", query: [("fields", BoxItem.fields)],
            kind: kind == .file ? .file : .folder)
        if let etag {
            request.headers.replaceOrAdd(name: "If-None-Match", value: etag)
            request.accepted.insert(304)
        }
        return try await send(request) { response -> BoxItem? in
            if response.status == .notModified {
                _ = try await response.body.collect(upTo: 64 * 1024)
                return nil
            }
            return try await Self.decode(BoxItem.self, from: response)
        }
    }

    /// Renames, moves and/or sets the modification time of an item (`PUT /files/{id}`, `PUT /folders/{id}`).
    ///
    /// - Parameters:
    ///   - id: The item.
    ///   - kind: Whether it is a file or a folder.
    ///   - name: The new name, or nil to keep it.
    ///   - parent: The new parent folder, or nil to stay. (Box doesn't apply `If-Match` to moves.)
    ///   - contentModifiedAt: The new mtime (files only), or nil to keep it.
    ///   - ifMatch: The etag the item must still have, else ``BoxAPIError/preconditionFailed(_:)``.
    /// - Returns: The item after the change.
    public func update(
        _ id: ItemID, kind: ItemKind, name: String? = nil, parent: ItemID? = nil, contentModifiedAt: Date? = nil,
        ifMatch: String? = nil
    ) async throws -> BoxItem {
        var request = apiRequest(
            .PUT, "/\(kind.pathComponent)/\(BoxURL.segment(id.rawValue))", query: [("fields", BoxItem.fields)],
            kind: .update)
        try request.setJSON(
            ItemChanges(name: name, parent: parent.map(ItemReference.init),
                 contentModifiedAt: kind == .file ? contentModifiedAt : nil))
        if let ifMatch { request.headers.add(name: "If-Match", value: ifMatch) }
        // A PUT is idempotent, except that with If-Match a lost first attempt bumps the etag and the
        // repeat fails 412. Then the item already showing the requested change means it was ours.
        request.safety = .replayable
        return try await sendJSON(request) { error in
            guard case .preconditionFailed = error else { return nil }
            let current = try await self.item(id, kind: kind)
            let applied = (name.map { $0 == current.name } ?? true) && (parent.map { $0 == current.parentID } ?? true)
            return applied ? current : nil
        }
    }

    /// Moves an item to the trash (`DELETE /files/{id}`, `DELETE /folders/{id}?recursive=true`).
    ///
    /// - Parameters:
    ///   - id: The item.
    ///   - kind: Whether it is a file or a folder (folders go with everything in them).
    ///   - ifMatch: The etag the item must still have, else ``BoxAPIError/preconditionFailed(_:)``.
    public func delete(_ id: ItemID, kind: ItemKind, ifMatch: String? = nil) async throws {
        var request = apiRequest(
            .DELETE, "/\(kind.pathComponent)/\(BoxURL.segment(id.rawValue))",
            query: kind == .folder ? [("recursive", "true")] : [], kind: .delete)
        if let ifMatch { request.headers.add(name: "If-Match", value: ifMatch) }
        request.accepted = [204]
        // After a lost attempt, the repeat finds the item gone: 404, or 412 with If-Match (Box answers 412
        // for a missing item whose etag "matches"). Gone is what was asked for.
        request.safety = .replayable
        try await send(request, recover: { error in
            switch error {
            case .notFound:
                return ()
            case .preconditionFailed:
                do {
                    _ = try await self.item(id, kind: kind)
                    return nil
                } catch BoxAPIError.notFound {
                    return ()
                }
            default:
                return nil
            }
        }) { response in
            _ = try await response.body.collect(upTo: 1024 * 1024)
        }
    }

    /// Asks Box whether an upload would be accepted (`OPTIONS /files/content`): name rules, name
    /// conflicts, quota and file size limits, without sending content.
    ///
    /// Throws ``BoxAPIError/nameConflict(existing:_:)`` (with the existing item and its `sha1`),
    /// ``BoxAPIError/quotaExceeded(_:)``, ``BoxAPIError/fileTooLarge(_:)``, ``BoxAPIError/nameInvalid(tooLong:_:)``.
    public func preflight(name: String, parent: ItemID, size: Int64) async throws {
        try await preflight(name: name, parent: parent, size: Optional(size))
    }

    func preflight(name: String, parent: ItemID, size: Int64?) async throws {
        struct Body: Encodable {
            var name: String
            var parent: ItemReference
            var size: Int64?
        }
        var request = apiRequest(.OPTIONS, "/files/content", kind: .preflight)
        try request.setJSON(Body(name: name, parent: ItemReference(parent), size: size))
        try await send(request) { response in
            _ = try await response.body.collect(upTo: 1024 * 1024)
        }
    }
}

extension ItemKind {
    /// The API's collection name for this kind.
    var pathComponent: String {
        switch self {
        case .file: return "files"
        case .folder: return "folders"
        }
    }
}
