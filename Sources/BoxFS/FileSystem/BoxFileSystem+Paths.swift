import Cache

extension BoxFileSystem {
    /// The mount-relative path of `inode` as the cache knows it, for log lines: a failed operation names the
    /// file a person recognises, not an inode number. Only built when something is logged.
    func path(_ inode: Inode) -> String {
        guard let id = try? catalog.store.itemID(for: inode) else { return "inode \(inode)" }
        var names: [String] = []
        var current = try? catalog.store.item(id)
        // Bounded: a parent cycle in a corrupt cache must not hang a log line.
        while let item = current, let parent = item.parentID, names.count < 256 {
            names.append(item.name)
            current = try? catalog.store.item(parent)
        }
        if current == nil, !names.isEmpty { names.append("…") }  // an ancestor the cache doesn't hold
        return "/" + names.reversed().joined(separator: "/")
    }

    /// The path of `name` in the folder `parent`.
    func path(_ name: String, in parent: Inode) -> String {
        let folder = path(parent)
        return folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }
}
