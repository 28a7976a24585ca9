import Cache

/// An open directory: the listing as of `opendir`, so that offsets stay meaningful while `ls` pages through it
/// even if the folder changes meanwhile.
struct DirectoryHandle: Sendable {
    let inode: Inode
    let entries: [Entry]
    /// The metadata store's generation when `entries` was read: while it is unchanged, their records are current.
    let generation: Int64

    struct Entry: Sendable {
        let name: String
        let inode: Inode
        /// The record for readdirplus attributes; nil for "." and "..".
        let record: ItemRecord?
        let kind: ItemKind
    }
}
