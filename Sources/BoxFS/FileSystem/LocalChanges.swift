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
    /// What Box holds for each of these files as of its last upload or metadata update: the name, place and
    /// mtime to compare the local record with before letting Box's record be the truth again.
    private var confirmed: [ItemID: ItemRecord] = [:]
    /// New files whose upload is running: Box may announce them (events, listings) before the upload's answer
    /// tells us their id, and that announcement must not be taken for someone else's file.
    private var creating: [Creation: Int] = [:]
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

    func remove(_ id: ItemID) {
        lock.withLock {
            records.removeValue(forKey: id)
            confirmed.removeValue(forKey: id)
        }
    }

    /// Records what Box answered for a file with a local record (an upload's result, or a metadata update).
    func confirm(_ boxRecord: ItemRecord) { lock.withLock { confirmed[boxRecord.id] = boxRecord } }

    /// Box's record of `id` as of the last ``confirm(_:)``.
    func confirmed(for id: ItemID) -> ItemRecord? { lock.withLock { confirmed[id] } }

    /// Marks a new file's upload as running (or, with `false`, as answered).
    func setCreating(_ name: String, in parent: ItemID, _ running: Bool) {
        let key = Creation(parent: parent, name: name)
        lock.withLock {
            let count = creating[key, default: 0] + (running ? 1 : -1)
            creating[key] = count > 0 ? count : nil
        }
    }

    /// Whether `name` in `parent` is a file of ours that Box is creating right now.
    func isCreating(_ name: String, in parent: ItemID) -> Bool {
        lock.withLock { creating[Creation(parent: parent, name: name)] != nil }
    }

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

private struct Creation: Hashable {
    var parent: ItemID
    var name: String
}
