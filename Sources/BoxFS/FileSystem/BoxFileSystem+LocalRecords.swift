import Cache
import Foundation

extension BoxFileSystem {
    /// Changes the local record of a file whose newest state is (or becomes) local-only, reading it fresh and
    /// writing it back only if it still exists under that id.
    ///
    /// Every local change goes through here because uploads finish concurrently: an upload rekeys a provisional
    /// record to Box's id, and writing back a snapshot taken before that would resurrect the provisional item
    /// next to the real one.
    ///
    /// - Returns: the updated record, or nil if the id is gone (the caller looks the item up again).
    @discardableResult
    func updateLocalRecord(_ id: ItemID, _ change: (inout ItemRecord) -> Void) throws -> ItemRecord? {
        try updatePendingRecord(id, orIf: { true }, change)
    }

    /// Like ``updateLocalRecord(_:_:)``, but only while the file's newest state is local: it has a local record,
    /// or `condition` (an open writer, whose close will upload it) holds.
    ///
    /// The check and the change share one lock because the settle step drops a local record as soon as Box
    /// has everything in it: a change made after a stale check would recreate a record that nothing sends to
    /// Box or ever drops again.
    ///
    /// - Returns: the updated record, or nil if the file isn't local-only (the caller sends the change to Box).
    func updatePendingRecord(_ id: ItemID, orIf condition: () -> Bool, _ change: (inout ItemRecord) -> Void) throws
        -> ItemRecord?
    {
        try localChanges.serialized {
            guard var record = try localChanges.record(for: id) ?? (condition() ? catalog.store.item(id) : nil) else {
                return nil
            }
            change(&record)
            guard try catalog.store.updateIfPresent(record) else { return nil }
            localChanges.set(record)
            return record
        }
    }
}
