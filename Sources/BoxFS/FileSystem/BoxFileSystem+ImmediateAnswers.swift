import Cache
import Foundation

/// Lookups and stats answered on the FUSE thread when the cache can answer them alone: the same answers as
/// ``lookup(parent:name:)`` and ``getattr(inode:handle:)`` give on their fast path, without the task. Anything
/// else (a stale record, a store error, a folder never listed) returns nil and takes the usual path, which
/// asks Box, logs and maps errors.
extension BoxFileSystem {
    func lookupNow(parent: Inode, name: String) -> ImmediateAnswer<EntryReply>? {
        do {
            let folder = try catalog.id(of: parent)
            if folder != catalog.rootID {
                guard let record = try catalog.cachedItem(folder), record.kind == .folder else { return nil }
            }
            switch try catalog.cachedConflictingChild(named: name, in: folder) {
            case nil:
                return nil
            case .absent?:
                return .failed(.noEntry)
            case .present(let child)?:
                // Box's names are case-insensitive, a POSIX directory's aren't (see ItemCatalog.lookup).
                return child.name == name ? .found(try entry(for: child)) : .failed(.noEntry)
            }
        } catch {
            return nil
        }
    }

    func getattrNow(inode: Inode, handle: UInt64?) -> ImmediateAnswer<AttributeReply>? {
        do {
            guard let record = try catalog.cachedItem(try catalog.id(of: inode)) else { return nil }
            return .found(AttributeReply(attributes: try attributes(of: record, inode: inode), timeout: freshness.kernelTimeout))
        } catch {
            return nil
        }
    }

    func opendirNow(inode: Inode, flags: OpenFlags) -> ImmediateAnswer<OpenReply>? {
        do {
            let id = try catalog.id(of: inode)
            var parentInode = inode
            if id != catalog.rootID {
                guard let record = try catalog.cachedItem(id), record.kind == .folder else { return nil }
                parentInode = try catalog.inode(of: record.parentID ?? catalog.rootID)
            }
            guard let snapshot = try catalog.cachedChildrenSnapshot(of: id) else { return nil }
            return .found(try openDirectory(inode, parent: parentInode, snapshot: snapshot))
        } catch {
            return nil
        }
    }

    /// Always at once: an open directory's entries are in its handle and the store.
    func readdirNow(inode: Inode, handle: UInt64, offset: UInt64, limit: Int, plus: Bool) -> ImmediateAnswer<[DirectoryEntry]>? {
        do {
            return .found(try directoryEntries(handle: handle, offset: offset, limit: limit, plus: plus))
        } catch {
            return .failed(ErrnoMapping.map(error, operation: "readdir \(path(inode))", logger: logger))
        }
    }

    func releasedirNow(inode: Inode, handle: UInt64) -> ImmediateAnswer<Void>? {
        directories.remove(handle)
        return .found(())
    }
}
