import Cache
import Foundation

/// Records of files whose newest state exists only here: created and not yet uploaded, or written and waiting
/// in the upload queue. For these the local record is the truth; a refresh from Box must not roll the size or
/// mtime back, nor make a file still on its way vanish from its folder.
///
/// A lock, not an actor: consulted synchronously on every lookup and listing.
final class LocalChanges: @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`.
    private var records: [ItemID: ItemRecord] = [:]
    /// Serialises read-modify-write cycles (see ``serialized(_:)``); separate from `lock`, which the body
    /// takes for each read and write.
    private let mutation = NSLock()

    /// Runs a read-modify-write of a record without another one interleaving: a close committing the size
    /// and a rename committing the name must both survive.
    func serialized<T>(_ body: () throws -> T) rethrows -> T {
        try mutation.withLock(body)
    }

    func set(_ record: ItemRecord) { lock.withLock { records[record.id] = record } }

    func record(for id: ItemID) -> ItemRecord? { lock.withLock { records[id] } }

    func records(in folder: ItemID) -> [ItemRecord] {
        lock.withLock { records.values.filter { $0.parentID == folder } }
    }

    func remove(_ id: ItemID) { lock.withLock { _ = records.removeValue(forKey: id) } }

    /// Follows a provisional id to the id Box gave the file.
    func rekey(_ old: ItemID, to new: ItemID) {
        lock.withLock {
            guard var record = records.removeValue(forKey: old) else { return }
            record.id = new
            records[new] = record
        }
    }

    var count: Int { lock.withLock { records.count } }
}
