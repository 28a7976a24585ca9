import Cache
import Foundation

extension BoxFileSystem {
    /// Space from the account's quota; Box has no inode limit, so file counts are left at zero ("unknown").
    func statfs(inode: Inode) async throws -> FileSystemStatistics {
        try await run("statfs") { [self] in
            let user = try await quota.current()
            let blockSize: Int64 = 4096
            let total = max(user.spaceAmount, user.spaceUsed)
            let free = max(0, total - user.spaceUsed)
            return FileSystemStatistics(
                blockSize: UInt64(blockSize), totalBlocks: UInt64(total / blockSize),
                freeBlocks: UInt64(free / blockSize), availableBlocks: UInt64(free / blockSize),
                maximumNameLength: UInt64(NameRules.maximumLength))
        }
    }
}
