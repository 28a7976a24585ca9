import Cache
import Foundation

extension BoxItem {
    /// This item as the metadata store keeps it.
    ///
    /// - Parameter parentOverride: the folder a listing came from. Listings return mini items whose `parent`
    ///   may be absent, and the root folder's own parent is outside the mount.
    func record(fetchedAt: Date, parentOverride: ItemID? = nil) -> ItemRecord {
        ItemRecord(
            id: id, parentID: parentOverride ?? parentID, name: name, kind: kind, size: size,
            sha1: sha1, etag: etag, fileVersionID: fileVersionID, sequenceID: sequenceID,
            contentModifiedAt: contentModifiedAt.map(Timestamp.init), modifiedAt: modifiedAt, createdAt: createdAt, fetchedAt: fetchedAt)
    }
}
