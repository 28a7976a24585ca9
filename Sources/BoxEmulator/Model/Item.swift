import Foundation

/// Whether an item is a file or a folder (web links are not emulated).
enum ItemKind: String, Codable, Sendable {
    case file
    case folder
}

/// Box's `item_status`. Purged items are removed from the store, so `deleted` is never stored.
enum ItemStatus: String, Codable, Sendable {
    case active
    case trashed
}

/// One uploaded version of a file's content. The bytes live in the content store under `sha1`.
struct FileVersion: Codable, Sendable {
    let id: UInt64
    let sha1: String
    let size: Int64
    let createdAt: Date
    let uploader: UserID
    let versionNumber: Int
}

/// What only files have: their versions, oldest first; never empty.
struct FileState: Codable, Sendable {
    private(set) var versions: [FileVersion]

    init(first: FileVersion) { versions = [first] }

    var current: FileVersion { versions[versions.count - 1] }

    mutating func append(_ version: FileVersion) { versions.append(version) }

    func version(id: UInt64) -> FileVersion? { versions.first { $0.id == id } }
}

/// A file or folder in the emulated tree.
struct Item: Codable, Sendable {
    let id: ItemID
    var name: String
    /// `nil` only for a user's root folder.
    var parentID: ItemID?
    let ownerID: UserID
    /// Bumped on every change of the item; rendered as both `etag` and `sequence_id`.
    var revision: Int
    let createdAt: Date
    var modifiedAt: Date
    var contentCreatedAt: Date
    var contentModifiedAt: Date
    var description: String
    var status: ItemStatus
    var trashedAt: Date?
    let createdBy: UserID
    var modifiedBy: UserID
    /// Present exactly for files.
    var file: FileState?

    var kind: ItemKind { file == nil ? .folder : .file }
    var isRoot: Bool { parentID == nil }
    var etag: String { String(revision) }

    /// Records a change by `user` at `now`: a new etag/sequence_id and modification time.
    mutating func touch(by user: UserID, at now: Date) {
        revision += 1
        modifiedAt = now
        modifiedBy = user
    }
}
