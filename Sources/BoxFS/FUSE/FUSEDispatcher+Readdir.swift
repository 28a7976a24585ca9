#if canImport(Glibc)
import Glibc
#endif
import CFuse
import Cache

extension FUSEDispatcher {
    /// Smallest record sizes (header plus an 8-byte padded name): an upper bound on what fits in `size`.
    private static let smallestDirent = 24 + 8
    private static let smallestDirentPlus = 128 + 24 + 8

    /// Serves readdir and readdirplus: asks the filesystem for entries from `offset`, packs what fits and
    /// gives back the lookups of entries the kernel will not link (see passthrough_ll's readdir).
    func readdir(_ raw: OpaquePointer, inode: fuse_ino_t, size: Int, offset: off_t, handle: UInt64, plus: Bool) {
        let operation = plus ? "readdirplus" : "readdir"
        let start = UInt64(offset)
        let limit = max(1, size / (plus ? Self.smallestDirentPlus : Self.smallestDirent))
        let operations = self.operations
        if answered(raw, operation, operations.readdirNow(inode: Inode(inode), handle: handle, offset: start, limit: limit, plus: plus), {
            Self.reply($0, entries: $1, from: start, size: size, plus: plus, operations: operations)
        }) { return }
        serve(raw, operation) { request, operations in
            let entries = try await operations.readdir(inode: Inode(inode), handle: handle, offset: start, limit: limit, plus: plus)
            Self.reply(request, entries: entries, from: start, size: size, plus: plus, operations: operations)
        }
    }

    /// Packs what fits of `entries` (positions from `start`) into the kernel's `size` bytes and answers.
    private static func reply(
        _ request: FUSERequest, entries: [DirectoryEntry], from start: UInt64, size: Int, plus: Bool,
        operations: any FUSEOperations
    ) {
        let overrides = request.overrides

        var buffer = request.directoryBuffer(capacity: size)
        var linked: [Inode] = []
        var unlinked: [Inode] = []
        var full = false
        for (index, entry) in entries.enumerated() {
            let next = start + UInt64(index) + 1
            // The kernel ignores the attributes of "." and ".." and of entries with inode 0.
            let isDot = entry.name == "." || entry.name == ".."
            let counted = entry.entry != nil
            if !full {
                if plus {
                    var param = fuse_entry_param()
                    if let reply = entry.entry, !isDot {
                        param = overrides.apply(to: reply).entryParam
                    } else {
                        param.attr = entry.stat
                    }
                    full = !buffer.append(name: entry.name, entry: param, nextOffset: next)
                } else {
                    full = !buffer.append(name: entry.name, stat: entry.stat, nextOffset: next)
                }
            }
            guard counted else { continue }
            if plus && !full && !isDot {
                linked.append(entry.inode)
            } else {
                unlinked.append(entry.inode)
            }
        }
        for inode in unlinked {
            operations.forget(inode: inode, lookups: 1)
        }
        if !request.reply(bytes: buffer.bytes) {
            for inode in linked {
                operations.forget(inode: inode, lookups: 1)
            }
        }
    }
}
