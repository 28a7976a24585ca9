#if canImport(Glibc)
import Glibc
#endif
import CFuse
import Foundation

// Conversions from the bridge's value types to the C structures libfuse sends to the kernel.

extension FileAttributes {
    var stat: stat {
        var result = Glibc.stat()
        result.st_ino = ino_t(inode)
        result.st_mode = mode
        result.st_nlink = nlink_t(linkCount)
        result.st_uid = uid
        result.st_gid = gid
        result.st_size = off_t(clamping: size)
        result.st_blocks = blkcnt_t(clamping: blocks ?? (size + 511) / 512)
        result.st_blksize = blksize_t(blockSize)
        result.st_atim = accessTime.timespec
        result.st_mtim = modificationTime.timespec
        result.st_ctim = changeTime.timespec
        return result
    }
}

extension EntryReply {
    var entryParam: fuse_entry_param {
        var result = fuse_entry_param()
        result.ino = fuse_ino_t(attributes.inode)
        result.generation = generation
        result.attr = attributes.stat
        result.attr_timeout = attributeTimeout
        result.entry_timeout = entryTimeout
        return result
    }
}

extension DirectoryEntry {
    /// The minimal `stat` plain readdir carries: inode and type.
    var stat: stat {
        var result = Glibc.stat()
        result.st_ino = ino_t(inode)
        result.st_mode = type.rawValue
        return result
    }
}

extension FileSystemStatistics {
    var statvfs: statvfs {
        var result = Glibc.statvfs()
        result.f_bsize = UInt(blockSize)
        result.f_frsize = UInt(blockSize)
        result.f_blocks = fsblkcnt_t(totalBlocks)
        result.f_bfree = fsblkcnt_t(freeBlocks)
        result.f_bavail = fsblkcnt_t(availableBlocks)
        result.f_files = fsfilcnt_t(totalFiles)
        result.f_ffree = fsfilcnt_t(freeFiles)
        result.f_favail = fsfilcnt_t(freeFiles)
        result.f_namemax = UInt(maximumNameLength)
        return result
    }
}
