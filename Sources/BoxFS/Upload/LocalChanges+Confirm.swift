import Cache
import Foundation

extension LocalChanges {
    /// Takes Box's answer (an upload's result or a metadata update) for a file that has a local record.
    ///
    /// The record the mount shows keeps its local name, place, size and mtime, which may be newer than the
    /// answer; Box's identity fields (etag, version, sequence id) are taken, so the answer's own events, arriving
    /// later, are recognised as old news. Call inside ``serialized(_:)``.
    ///
    /// - Returns: false if the file has no local record (Box's answer is then simply the truth).
    func adopt(_ onBox: ItemRecord, in store: MetadataStore) throws -> Bool {
        guard let local = record(for: onBox.id) else { return false }
        confirm(onBox)
        var merged = onBox
        merged.name = local.name
        merged.parentID = local.parentID
        merged.size = local.size
        merged.contentModifiedAt = local.contentModifiedAt
        if local.size != onBox.size { merged.sha1 = nil }  // a newer close is queued; its hash isn't known yet
        if try store.updateIfPresent(merged) { set(merged) }
        return true
    }
}
