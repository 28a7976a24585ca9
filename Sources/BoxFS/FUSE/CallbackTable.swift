#if canImport(Glibc)
import Glibc
#endif
import CFuse

extension FUSEDispatcher {
    /// The C handler table registered with each session: every entry recovers the dispatcher from the
    /// context pointer and forwards with Swift types. Names and buffers are copied here, while valid.
    static let handlers = cfuse_handlers(
        init: { context, conn in from(context).initialize(conn) },
        interrupted: { context, req in from(context).interrupted(req) },
        forget: { context, inode, lookups in from(context).forget(inode: inode, lookups: lookups) },
        lookup: { context, req, parent, name in
            from(context).lookup(req, parent: parent, name: String(cString: name))
        },
        getattr: { context, req, inode, hasHandle, handle in
            from(context).getattr(req, inode: inode, handle: hasHandle != 0 ? handle : nil)
        },
        setattr: { context, req, inode, attr, toSet, hasHandle, handle in
            let changes = AttributeChanges(attr.pointee, toSet: toSet, handle: hasHandle != 0 ? handle : nil)
            from(context).setattr(req, inode: inode, changes: changes)
        },
        readlink: { context, req, inode in from(context).readlink(req, inode: inode) },
        mknod: { context, req, parent, name, mode, device in
            from(context).mknod(req, parent: parent, name: String(cString: name), mode: mode, device: device)
        },
        mkdir: { context, req, parent, name, mode in
            from(context).mkdir(req, parent: parent, name: String(cString: name), mode: mode)
        },
        unlink: { context, req, parent, name in
            from(context).unlink(req, parent: parent, name: String(cString: name))
        },
        rmdir: { context, req, parent, name in
            from(context).rmdir(req, parent: parent, name: String(cString: name))
        },
        symlink: { context, req, target, parent, name in
            from(context).symlink(req, target: String(cString: target), parent: parent, name: String(cString: name))
        },
        rename: { context, req, parent, name, newParent, newName, flags in
            from(context).rename(
                req, parent: parent, name: String(cString: name), newParent: newParent,
                newName: String(cString: newName), flags: flags)
        },
        link: { context, req, inode, newParent, newName in
            from(context).link(req, inode: inode, newParent: newParent, newName: String(cString: newName))
        },
        open: { context, req, inode, flags in from(context).open(req, inode: inode, flags: flags) },
        create: { context, req, parent, name, mode, flags in
            from(context).create(req, parent: parent, name: String(cString: name), mode: mode, flags: flags)
        },
        read: { context, req, inode, size, offset, handle in
            from(context).read(req, inode: inode, size: size, offset: offset, handle: handle)
        },
        write: { context, req, inode, buf, size, offset, handle in
            let data = Array(UnsafeRawBufferPointer(start: buf, count: size))
            from(context).write(req, inode: inode, data: data, offset: offset, handle: handle)
        },
        flush: { context, req, inode, handle, lockOwner in
            from(context).flush(req, inode: inode, handle: handle, lockOwner: lockOwner)
        },
        release: { context, req, inode, handle, flags in
            from(context).release(req, inode: inode, handle: handle, flags: flags)
        },
        fsync: { context, req, inode, dataOnly, handle in
            from(context).fsync(req, inode: inode, dataOnly: dataOnly != 0, handle: handle)
        },
        opendir: { context, req, inode, flags in from(context).opendir(req, inode: inode, flags: flags) },
        readdir: { context, req, inode, size, offset, handle, plus in
            from(context).readdir(req, inode: inode, size: size, offset: offset, handle: handle, plus: plus != 0)
        },
        releasedir: { context, req, inode, handle in from(context).releasedir(req, inode: inode, handle: handle) },
        fsyncdir: { context, req, inode, dataOnly, handle in
            from(context).fsyncdir(req, inode: inode, dataOnly: dataOnly != 0, handle: handle)
        },
        statfs: { context, req, inode in from(context).statfs(req, inode: inode) },
        setxattr: { context, req, inode, name, value, size, flags in
            let bytes = Array(UnsafeRawBufferPointer(start: value, count: size))
            from(context).setxattr(req, inode: inode, name: String(cString: name), value: bytes, flags: flags)
        },
        getxattr: { context, req, inode, name, size in
            from(context).getxattr(req, inode: inode, name: String(cString: name), size: size)
        },
        listxattr: { context, req, inode, size in from(context).listxattr(req, inode: inode, size: size) },
        removexattr: { context, req, inode, name in
            from(context).removexattr(req, inode: inode, name: String(cString: name))
        }
    )
}

extension AttributeChanges {
    /// Decodes a setattr: `toSet` says which fields of `attr` are meant (`FUSE_SET_ATTR_*`).
    init(_ attr: stat, toSet: Int32, handle: UInt64?) {
        func has(_ flag: Int32) -> Bool { toSet & flag != 0 }
        self.init(handle: handle)
        if has(FUSE_SET_ATTR_SIZE) { size = UInt64(clamping: attr.st_size) }
        if has(FUSE_SET_ATTR_MODE) { permissions = attr.st_mode & 0o7777 }
        if has(FUSE_SET_ATTR_UID) { uid = attr.st_uid }
        if has(FUSE_SET_ATTR_GID) { gid = attr.st_gid }
        if has(FUSE_SET_ATTR_ATIME_NOW) {
            accessTime = .now
        } else if has(FUSE_SET_ATTR_ATIME) {
            accessTime = .time(FileTime(attr.st_atim))
        }
        if has(FUSE_SET_ATTR_MTIME_NOW) {
            modificationTime = .now
        } else if has(FUSE_SET_ATTR_MTIME) {
            modificationTime = .time(FileTime(attr.st_mtim))
        }
    }
}
