#if canImport(Glibc)
import Glibc
#endif
import CFuse
import Cache

// One entry point per kernel request, called by the C handlers on the FUSE thread. Each copies what
// libfuse only lends for the call, then serves the request in a task.

extension FUSEDispatcher {
    func lookup(_ raw: OpaquePointer, parent: fuse_ino_t, name: String) {
        let operations = self.operations
        if answered(raw, "lookup", operations.lookupNow(parent: Inode(parent), name: name),
                    failure: { Self.reply($0, lookupError: $1, operations: operations) },
                    { Self.reply($0, entry: $1, operations: operations) }) { return }
        serve(raw, "lookup") { request, operations in
            let entry: EntryReply
            do {
                entry = try await operations.lookup(parent: Inode(parent), name: name)
            } catch let error as FUSEError where error == .noEntry && !request.isInterrupted {
                Self.reply(request, lookupError: error, operations: operations)
                return
            }
            Self.reply(request, entry: entry, operations: operations)
        }
    }

    /// A failed lookup; a missing name is remembered by the kernel when the filesystem allows it.
    private static func reply(_ request: FUSERequest, lookupError error: FUSEError, operations: any FUSEOperations) {
        if error == .noEntry, operations.negativeLookupTimeout > 0 {
            request.reply(absentFor: operations.negativeLookupTimeout)
        } else {
            request.reply(error: error)
        }
    }

    func getattr(_ raw: OpaquePointer, inode: fuse_ino_t, handle: UInt64?) {
        if answered(raw, "getattr", operations.getattrNow(inode: Inode(inode), handle: handle), { $0.reply(attributes: $1) }) {
            return
        }
        serve(raw, "getattr") { request, operations in
            request.reply(attributes: try await operations.getattr(inode: Inode(inode), handle: handle))
        }
    }

    func setattr(_ raw: OpaquePointer, inode: fuse_ino_t, changes: AttributeChanges) {
        serve(raw, "setattr") { request, operations in
            request.reply(attributes: try await operations.setattr(inode: Inode(inode), changes: changes))
        }
    }

    func readlink(_ raw: OpaquePointer, inode: fuse_ino_t) {
        serve(raw, "readlink") { request, operations in
            request.reply(linkTarget: try await operations.readlink(inode: Inode(inode)))
        }
    }

    func mknod(_ raw: OpaquePointer, parent: fuse_ino_t, name: String, mode: mode_t, device: dev_t) {
        serve(raw, "mknod") { request, operations in
            let entry = try await operations.mknod(
                parent: Inode(parent), name: name, mode: mode, device: device, context: request.context)
            Self.reply(request, entry: entry, operations: operations)
        }
    }

    func mkdir(_ raw: OpaquePointer, parent: fuse_ino_t, name: String, mode: mode_t) {
        serve(raw, "mkdir") { request, operations in
            let entry = try await operations.mkdir(parent: Inode(parent), name: name, mode: mode, context: request.context)
            Self.reply(request, entry: entry, operations: operations)
        }
    }

    func unlink(_ raw: OpaquePointer, parent: fuse_ino_t, name: String) {
        serve(raw, "unlink") { request, operations in
            try await operations.unlink(parent: Inode(parent), name: name)
            request.replySuccess()
        }
    }

    func rmdir(_ raw: OpaquePointer, parent: fuse_ino_t, name: String) {
        serve(raw, "rmdir") { request, operations in
            try await operations.rmdir(parent: Inode(parent), name: name)
            request.replySuccess()
        }
    }

    func symlink(_ raw: OpaquePointer, target: String, parent: fuse_ino_t, name: String) {
        serve(raw, "symlink") { request, operations in
            let entry = try await operations.symlink(target: target, parent: Inode(parent), name: name, context: request.context)
            Self.reply(request, entry: entry, operations: operations)
        }
    }

    func rename(_ raw: OpaquePointer, parent: fuse_ino_t, name: String, newParent: fuse_ino_t, newName: String, flags: UInt32) {
        serve(raw, "rename") { request, operations in
            try await operations.rename(
                parent: Inode(parent), name: name, newParent: Inode(newParent), newName: newName,
                flags: RenameFlags(rawValue: flags))
            request.replySuccess()
        }
    }

    func link(_ raw: OpaquePointer, inode: fuse_ino_t, newParent: fuse_ino_t, newName: String) {
        serve(raw, "link") { request, operations in
            let entry = try await operations.link(inode: Inode(inode), newParent: Inode(newParent), newName: newName)
            Self.reply(request, entry: entry, operations: operations)
        }
    }

    func open(_ raw: OpaquePointer, inode: fuse_ino_t, flags: Int32) {
        serve(raw, "open") { request, operations in
            request.reply(open: try await operations.open(inode: Inode(inode), flags: OpenFlags(rawValue: flags)))
        }
    }

    func create(_ raw: OpaquePointer, parent: fuse_ino_t, name: String, mode: mode_t, flags: Int32) {
        serve(raw, "create") { request, operations in
            let created = try await operations.create(
                parent: Inode(parent), name: name, mode: mode, flags: OpenFlags(rawValue: flags), context: request.context)
            if !request.reply(create: created) {
                operations.forget(inode: created.entry.attributes.inode, lookups: 1)
            }
        }
    }

    func read(_ raw: OpaquePointer, inode: fuse_ino_t, size: Int, offset: off_t, handle: UInt64) {
        serve(raw, "read") { request, operations in
            let data = try await operations.read(inode: Inode(inode), handle: handle, offset: UInt64(offset), size: size)
            if data.count > size {
                // The kernel would reject the whole answer; a short read is still a correct one.
                request.logger.error("read answered more than asked; truncating", metadata: [
                    "inode": "\(inode)", "asked": "\(size)", "got": "\(data.count)",
                ])
            }
            switch data {
            case .bytes(let bytes):
                _ = bytes.withUnsafeBytes { request.reply(bytes: UnsafeRawBufferPointer(rebasing: $0.prefix(size))) }
            case .files(let ranges):
                request.reply(files: ranges, count: min(size, data.count))
            }
        }
    }

    func write(_ raw: OpaquePointer, inode: fuse_ino_t, data: [UInt8], offset: off_t, handle: UInt64) {
        serve(raw, "write") { request, operations in
            let written = try await operations.write(inode: Inode(inode), handle: handle, offset: UInt64(offset), data: data)
            request.reply(written: written)
        }
    }

    func flush(_ raw: OpaquePointer, inode: fuse_ino_t, handle: UInt64, lockOwner: UInt64) {
        serve(raw, "flush") { request, operations in
            try await operations.flush(inode: Inode(inode), handle: handle, lockOwner: lockOwner)
            request.replySuccess()
        }
    }

    func release(_ raw: OpaquePointer, inode: fuse_ino_t, handle: UInt64, flags: Int32) {
        serve(raw, "release") { request, operations in
            try await operations.release(inode: Inode(inode), handle: handle, flags: OpenFlags(rawValue: flags))
            request.replySuccess()
        }
    }

    func fsync(_ raw: OpaquePointer, inode: fuse_ino_t, dataOnly: Bool, handle: UInt64) {
        serve(raw, "fsync") { request, operations in
            try await operations.fsync(inode: Inode(inode), handle: handle, dataOnly: dataOnly)
            request.replySuccess()
        }
    }

    func opendir(_ raw: OpaquePointer, inode: fuse_ino_t, flags: Int32) {
        if answered(raw, "opendir", operations.opendirNow(inode: Inode(inode), flags: OpenFlags(rawValue: flags)),
                    { $0.reply(open: $1) }) { return }
        serve(raw, "opendir") { request, operations in
            request.reply(open: try await operations.opendir(inode: Inode(inode), flags: OpenFlags(rawValue: flags)))
        }
    }

    func releasedir(_ raw: OpaquePointer, inode: fuse_ino_t, handle: UInt64) {
        if answered(raw, "releasedir", operations.releasedirNow(inode: Inode(inode), handle: handle), { request, _ in
            request.replySuccess()
        }) { return }
        serve(raw, "releasedir") { request, operations in
            try await operations.releasedir(inode: Inode(inode), handle: handle)
            request.replySuccess()
        }
    }

    func fsyncdir(_ raw: OpaquePointer, inode: fuse_ino_t, dataOnly: Bool, handle: UInt64) {
        serve(raw, "fsyncdir") { request, operations in
            try await operations.fsyncdir(inode: Inode(inode), handle: handle, dataOnly: dataOnly)
            request.replySuccess()
        }
    }

    func statfs(_ raw: OpaquePointer, inode: fuse_ino_t) {
        serve(raw, "statfs") { request, operations in
            request.reply(statistics: try await operations.statfs(inode: Inode(inode)))
        }
    }

    func setxattr(_ raw: OpaquePointer, inode: fuse_ino_t, name: String, value: [UInt8], flags: Int32) {
        serve(raw, "setxattr") { request, operations in
            try await operations.setxattr(
                inode: Inode(inode), name: name, value: value, flags: ExtendedAttributeFlags(rawValue: flags))
            request.replySuccess()
        }
    }

    /// `size` 0 is the caller asking how big a buffer it needs; a value larger than `size` is `ERANGE`.
    func getxattr(_ raw: OpaquePointer, inode: fuse_ino_t, name: String, size: Int) {
        let answer = operations.getxattrNow(inode: Inode(inode), name: name)
        if answered(raw, "getxattr", answer, { Self.replyExtendedAttribute($0, $1, size: size) }) {
            return
        }
        serve(raw, "getxattr") { request, operations in
            Self.replyExtendedAttribute(request, try await operations.getxattr(inode: Inode(inode), name: name), size: size)
        }
    }

    func listxattr(_ raw: OpaquePointer, inode: fuse_ino_t, size: Int) {
        serve(raw, "listxattr") { request, operations in
            let names = try await operations.listxattr(inode: Inode(inode))
            Self.replyExtendedAttribute(request, names.flatMap { Array($0.utf8) + [0] }, size: size)
        }
    }

    func removexattr(_ raw: OpaquePointer, inode: fuse_ino_t, name: String) {
        serve(raw, "removexattr") { request, operations in
            try await operations.removexattr(inode: Inode(inode), name: name)
            request.replySuccess()
        }
    }

    private static func replyExtendedAttribute(_ request: FUSERequest, _ value: [UInt8], size: Int) {
        if size == 0 {
            request.reply(extendedAttributeSize: value.count)
        } else if value.count > size {
            request.reply(error: .outOfRange)
        } else {
            request.reply(bytes: value)
        }
    }
}
