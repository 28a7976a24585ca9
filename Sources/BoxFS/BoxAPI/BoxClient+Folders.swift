import Cache
import Foundation
import NIOHTTP1

extension BoxClient {
    /// The largest page Box serves for folder listings.
    public static let listingPageLimit = 1000

    /// A folder's metadata (`GET /folders/{id}`).
    public func folder(_ id: ItemID) async throws -> BoxItem {
        try await sendJSON(
            apiRequest(.GET, "/folders/\(BoxURL.segment(id.rawValue))", query: [("fields", BoxItem.fields)],
                       kind: .folder))
    }

    /// Every file and subfolder of a folder, all pages (`GET /folders/{id}/items`, marker paging).
    ///
    /// Web links and items not `active` are left out. Marker paging rather than offsets: it stays correct
    /// while the folder changes and has no offset ceiling.
    ///
    /// - Parameters:
    ///   - id: The folder.
    ///   - pageSize: Entries per request, at most 1,000 (Box's maximum; fewest calls).
    public func folderItems(_ id: ItemID, pageSize: Int = BoxClient.listingPageLimit) async throws -> [BoxItem] {
        let limit = min(max(1, pageSize), Self.listingPageLimit)
        // Each page is decoded in a child task while the next one is fetched: only the next marker is needed to
        // ask for it, and decoding 1,000 entries takes about half as long as fetching them.
        return try await withThrowingTaskGroup(of: (Int, [BoxItem]).self) { group in
            var marker: String?
            var pageCount = 0
            repeat {
                let body = try await folderItemsPage(id, limit: limit, marker: marker)
                marker = try Self.decode(BoxItemPage.Marker.self, from: body).nextMarker
                let index = pageCount
                group.addTask { (index, try Self.decode(BoxItemPage.self, from: body).items.filter(\.isActive)) }
                pageCount += 1
            } while marker != nil
            var pages = [[BoxItem]](repeating: [], count: pageCount)
            for try await (index, items) in group { pages[index] = items }
            return pages.flatMap { $0 }
        }
    }

    /// The first page of a folder's listing, and whether it holds every entry (no next marker): the whole
    /// listing for most folders, in one call.
    public func folderItemsFirstPage(_ id: ItemID, pageSize: Int = BoxClient.listingPageLimit) async throws
        -> (items: [BoxItem], isComplete: Bool)
    {
        let body = try await folderItemsPage(id, limit: min(max(1, pageSize), Self.listingPageLimit), marker: nil)
        let isComplete = try Self.decode(BoxItemPage.Marker.self, from: body).nextMarker == nil
        return (try Self.decode(BoxItemPage.self, from: body).items.filter(\.isActive), isComplete)
    }

    private func folderItemsPage(_ id: ItemID, limit: Int, marker: String?) async throws -> Data {
        var query = [("fields", BoxItem.fields), ("limit", String(limit)), ("usemarker", "true")]
        if let marker { query.append(("marker", marker)) }
        return try await send(
            apiRequest(.GET, "/folders/\(BoxURL.segment(id.rawValue))/items", query: query, kind: .folderItems)
        ) { response in try await Self.body(of: response) }
    }

    /// Creates a folder (`POST /folders`).
    ///
    /// Throws ``BoxAPIError/nameConflict(existing:_:)`` if the name is taken.
    public func createFolder(named name: String, in parent: ItemID) async throws -> BoxItem {
        struct Body: Encodable {
            var name: String
            var parent: ItemReference
        }
        var request = apiRequest(.POST, "/folders", query: [("fields", BoxItem.fields)], kind: .createFolder)
        try request.setJSON(Body(name: name, parent: ItemReference(parent)))
        request.safety = .replayable
        request.accepted = [201]
        // If an attempt was lost (dropped, 5xx) and a later one finds a folder of that name, that folder is
        // the lost attempt's work or a concurrent mkdir's; either way the caller gets the folder it asked
        // for, which is what mkdir wants (the alternative, reporting EEXIST for our own folder, is worse).
        // A file of that name is a genuine conflict.
        return try await sendJSON(request) { error in
            guard case .nameConflict(let existing?, _) = error, existing.type == "folder" else { return nil }
            let folder = try await self.folder(existing.id)
            return folder.parentID == parent && folder.name.lowercased() == name.lowercased() ? folder : nil
        }
    }
}

/// `{"id":"..."}`, how request bodies point at a folder.
struct ItemReference: Encodable {
    var id: String

    init(_ id: ItemID) {
        self.id = id.rawValue
    }
}
