#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Rebuilds the block index from the files a previous run left.
enum BlockDirectoryScan {
    struct Block {
        var key: BlockKey
        var length: Int
        var modified: timespec
    }

    /// Creates `keeping` and an empty `incoming`, and deletes everything else under `blocksPath`: unfinished
    /// temporary blocks and blocks cut to another block size, which would be read at the wrong offsets.
    static func prepare(blocksPath: String, keeping root: String, incoming: String) throws {
        try FileIO.makeDirectories(root)
        for name in try FileIO.entries(of: blocksPath) {
            let path = blocksPath + "/" + name
            if path != root { try FileIO.removeTree(path) }
        }
        try FileIO.makeDirectories(incoming)
    }

    /// The blocks under `root`, least recently used (oldest mtime) first. Files that don't parse as blocks are
    /// deleted.
    static func blocks(under root: String) throws -> [Block] {
        var blocks: [Block] = []
        for itemName in try FileIO.entries(of: root) {
            let itemPath = root + "/" + itemName
            guard let item = BlockFileName.decode(itemName) else {
                try FileIO.removeTree(itemPath)
                continue
            }
            for versionName in try FileIO.entries(of: itemPath) {
                let versionPath = itemPath + "/" + versionName
                guard let version = BlockFileName.decode(versionName) else {
                    try FileIO.removeTree(versionPath)
                    continue
                }
                for indexName in try FileIO.entries(of: versionPath) {
                    let path = versionPath + "/" + indexName
                    var info = stat()
                    guard let index = Int(indexName), index >= 0, String(index) == indexName,
                          lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
                        try FileIO.removeTree(path)
                        continue
                    }
                    let key = BlockKey(item: ItemID(item), version: version, index: index)
                    blocks.append(Block(key: key, length: Int(info.st_size), modified: info.st_mtim))
                }
            }
        }
        return blocks.sorted { ($0.modified.tv_sec, $0.modified.tv_nsec) < ($1.modified.tv_sec, $1.modified.tv_nsec) }
    }
}
