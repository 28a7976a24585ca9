import BoxFS
import Cache
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small in-memory filesystem for driving the FUSE bridge through real mounts.
///
/// It keeps the kernel's lookup counts as the protocol defines them, so tests can check that the bridge
/// (lookups, readdirplus, forgets) leaves them balanced. A file named "slow" never finishes a read until
/// cancelled, for interrupt tests.
final class FUSEMemoryFileSystem: FUSEOperations, @unchecked Sendable {
    // @unchecked: all mutable state is behind `lock`; the bridge calls in from many tasks at once.
    private struct Node {
        var attributes: FileAttributes
        var children: [String: Inode] = [:]
        var data: [UInt8] = []
        var extendedAttributes: [String: [UInt8]] = [:]
    }

    static let slowFileName = "slow"
    /// Opening this name fails with an error that is not a `FUSEError`.
    static let brokenFileName = "broken"

    struct UnexpectedError: Error {}
    /// How long the kernel may cache attributes and names.
    private let timeout: TimeInterval

    private let lock = NSLock()
    private var nodes: [Inode: Node] = [:]
    private var nextInode: Inode = 2
    private var lookupCounts: [Inode: Int64] = [:]
    private var overForgotten: [Inode] = []
    private var slowReadStarted = false
    private var slowReadCancelled = false
    private let readdirPlus: Bool
    let negativeLookupTimeout: TimeInterval
    private var creates = 0
    private var readdirs = 0
    /// Let the kernel cache directory listings (opendir answers `cacheDirectory` and `keepCache`).
    var cacheListings: Bool {
        get { lock.withLock { cachingListings } }
        set { lock.withLock { cachingListings = newValue } }
    }
    private var cachingListings = false
    /// Answer lookups and getattrs on the FUSE thread (``lookupNow(parent:name:)``) instead of in tasks.
    var answersImmediately: Bool {
        get { lock.withLock { answeringImmediately } }
        set { lock.withLock { answeringImmediately = newValue } }
    }
    private var answeringImmediately = false
    private var lookupsByPath = (immediate: 0, task: 0)

    /// - Parameters:
    ///   - readdirPlus: Ask the kernel for readdirplus (always) instead of plain readdir.
    ///   - cacheTimeout: How long the kernel may trust attributes and names.
    ///   - negativeLookupTimeout: How long the kernel may remember missing names.
    init(readdirPlus: Bool, cacheTimeout: TimeInterval = 1, negativeLookupTimeout: TimeInterval = 0) {
        self.readdirPlus = readdirPlus
        self.timeout = cacheTimeout
        self.negativeLookupTimeout = negativeLookupTimeout
        nodes[1] = Node(attributes: Self.attributes(inode: 1, type: .directory, permissions: 0o755))
    }

    private static func attributes(inode: Inode, type: FileType, permissions: mode_t) -> FileAttributes {
        let now = FileTime.now
        return FileAttributes(
            inode: inode, type: type, permissions: permissions, linkCount: type == .directory ? 2 : 1,
            accessTime: now, modificationTime: now, changeTime: now)
    }

    // MARK: Inspection for tests

    /// Adds `count` files named "file-00000"... to a new directory `name` in the root, without the kernel.
    func populate(directory name: String, files count: Int) {
        lock.withLock {
            let directory = insert(name, in: 1, type: .directory, permissions: 0o755)
            for index in 0..<count {
                let file = insert(String(format: "file-%05d", index), in: directory, type: .regular, permissions: 0o644)
                nodes[file]!.data = Array("content of \(index)\n".utf8)
                nodes[file]!.attributes.size = UInt64(nodes[file]!.data.count)
            }
        }
    }

    /// Adds the file whose reads never finish until cancelled.
    func addSlowFile() {
        lock.withLock {
            let inode = insert(Self.slowFileName, in: 1, type: .regular, permissions: 0o644)
            nodes[inode]!.data = Array("never read".utf8)
            nodes[inode]!.attributes.size = UInt64(nodes[inode]!.data.count)
        }
    }

    /// Changes the file `name` in the root without the kernel knowing, as a remote change would.
    func replaceBehindKernel(_ name: String, content: String) {
        lock.withLock {
            let inode = nodes[1]!.children[name]!
            nodes[inode]!.data = Array(content.utf8)
            nodes[inode]!.attributes.size = UInt64(content.utf8.count)
        }
    }

    /// Creates the file `name` in the root without the kernel knowing, as a remote upload would.
    func addBehindKernel(_ name: String) {
        lock.withLock { _ = insert(name, in: 1, type: .regular, permissions: 0o644) }
    }

    /// Removes `name` from the root without the kernel knowing, as a remote deletion would.
    func removeBehindKernel(_ name: String) -> Inode? {
        lock.withLock { nodes[1]!.children.removeValue(forKey: name) }
    }

    /// The content of the file at `path` (components from the root).
    func content(at path: [String]) -> [UInt8]? {
        lock.withLock {
            var inode: Inode = 1
            for name in path {
                guard let child = nodes[inode]?.children[name] else { return nil }
                inode = child
            }
            return nodes[inode]?.data
        }
    }

    /// Inodes the kernel still holds lookups on, and inodes it forgot more often than it looked them up.
    var lookupBalance: (outstanding: [Inode: Int64], overForgotten: [Inode]) {
        lock.withLock { (lookupCounts.filter { $0.value != 0 }, overForgotten) }
    }

    /// Lookups answered by ``lookupNow(parent:name:)`` and by ``lookup(parent:name:)``.
    var lookupPaths: (immediate: Int, task: Int) { lock.withLock { lookupsByPath } }

    /// How often `create` was called.
    var createCount: Int { lock.withLock { creates } }

    /// How often `readdir` was called.
    var readdirCount: Int { lock.withLock { readdirs } }

    /// Whether a read of the slow file began, and whether its task was then cancelled.
    var slowRead: (started: Bool, cancelled: Bool) {
        lock.withLock { (slowReadStarted, slowReadCancelled) }
    }

    // MARK: Helpers (callers hold `lock`)

    private func insert(_ name: String, in parent: Inode, type: FileType, permissions: mode_t) -> Inode {
        let inode = nextInode
        nextInode += 1
        nodes[inode] = Node(attributes: Self.attributes(inode: inode, type: type, permissions: permissions))
        nodes[parent]!.children[name] = inode
        return inode
    }

    private func counted(_ inode: Inode) -> EntryReply {
        lookupCounts[inode, default: 0] += 1
        return EntryReply(attributes: nodes[inode]!.attributes, attributeTimeout: timeout, entryTimeout: timeout)
    }

    private func directory(_ inode: Inode) throws -> Node {
        guard let node = nodes[inode] else { throw FUSEError.noEntry }
        guard node.attributes.type == .directory else { throw FUSEError.notDirectory }
        return node
    }

    private func child(_ name: String, of parent: Inode) throws -> Inode {
        guard let inode = try directory(parent).children[name] else { throw FUSEError.noEntry }
        return inode
    }

    private func newNode(_ name: String, in parent: Inode, mode: mode_t) throws -> EntryReply {
        guard try directory(parent).children[name] == nil else { throw FUSEError.exists }
        let type = FileType(mode: mode) ?? .regular
        return counted(insert(name, in: parent, type: type, permissions: mode))
    }

    // MARK: FUSEOperations

    func initialize(_ connection: inout FUSEConnection) {
        if readdirPlus {
            connection.wanted.insert(.readdirPlus)
            connection.wanted.remove(.readdirPlusAuto)
        } else {
            connection.wanted.subtract([.readdirPlus, .readdirPlusAuto])
        }
    }

    func lookup(parent: Inode, name: String) async throws -> EntryReply {
        try lock.withLock {
            lookupsByPath.task += 1
            return counted(try child(name, of: parent))
        }
    }

    func lookupNow(parent: Inode, name: String) -> ImmediateAnswer<EntryReply>? {
        lock.withLock {
            guard answeringImmediately else { return nil }
            lookupsByPath.immediate += 1
            do { return .found(counted(try child(name, of: parent))) } catch { return .failed(error as! FUSEError) }
        }
    }

    func getattrNow(inode: Inode, handle: UInt64?) -> ImmediateAnswer<AttributeReply>? {
        lock.withLock {
            guard answeringImmediately else { return nil }
            guard let node = nodes[inode] else { return .failed(.noEntry) }
            return .found(AttributeReply(attributes: node.attributes, timeout: timeout))
        }
    }

    func forget(inode: Inode, lookups: UInt64) {
        lock.withLock {
            let remaining = lookupCounts[inode, default: 0] - Int64(lookups)
            if remaining < 0 { overForgotten.append(inode) }
            lookupCounts[inode] = max(remaining, 0)
        }
    }

    func getattr(inode: Inode, handle: UInt64?) async throws -> AttributeReply {
        try lock.withLock {
            guard let node = nodes[inode] else { throw FUSEError.noEntry }
            return AttributeReply(attributes: node.attributes, timeout: timeout)
        }
    }

    func setattr(inode: Inode, changes: AttributeChanges) async throws -> AttributeReply {
        try lock.withLock {
            guard var node = nodes[inode] else { throw FUSEError.noEntry }
            if let size = changes.size {
                node.data = Array(node.data.prefix(Int(size))) + [UInt8](repeating: 0, count: max(0, Int(size) - node.data.count))
                node.attributes.size = size
            }
            if let permissions = changes.permissions { node.attributes.permissions = permissions }
            if let uid = changes.uid { node.attributes.uid = uid }
            if let gid = changes.gid { node.attributes.gid = gid }
            switch changes.modificationTime {
            case .now: node.attributes.modificationTime = .now
            case .time(let time): node.attributes.modificationTime = time
            case nil: break
            }
            switch changes.accessTime {
            case .now: node.attributes.accessTime = .now
            case .time(let time): node.attributes.accessTime = time
            case nil: break
            }
            nodes[inode] = node
            return AttributeReply(attributes: node.attributes, timeout: timeout)
        }
    }

    func opendir(inode: Inode, flags: OpenFlags) async throws -> OpenReply {
        try lock.withLock { try openDirectory(inode) }
    }

    func opendirNow(inode: Inode, flags: OpenFlags) -> ImmediateAnswer<OpenReply>? {
        lock.withLock {
            guard answeringImmediately else { return nil }
            do { return .found(try openDirectory(inode)) } catch { return .failed(error as! FUSEError) }
        }
    }

    private func openDirectory(_ inode: Inode) throws -> OpenReply {
        _ = try directory(inode)
        return OpenReply(handle: inode, keepCache: cachingListings, cacheDirectory: cachingListings)
    }

    func readdir(inode: Inode, handle: UInt64, offset: UInt64, limit: Int, plus: Bool) async throws -> [DirectoryEntry] {
        try lock.withLock { try list(inode, offset: offset, limit: limit, plus: plus) }
    }

    func readdirNow(inode: Inode, handle: UInt64, offset: UInt64, limit: Int, plus: Bool) -> ImmediateAnswer<[DirectoryEntry]>? {
        lock.withLock {
            guard answeringImmediately else { return nil }
            do { return .found(try list(inode, offset: offset, limit: limit, plus: plus)) } catch { return .failed(error as! FUSEError) }
        }
    }

    func releasedirNow(inode: Inode, handle: UInt64) -> ImmediateAnswer<Void>? {
        lock.withLock { answeringImmediately ? .found(()) : nil }
    }

    /// Positions: 0 is ".", 1 is "..", then the children by name. Callers hold `lock`.
    private func list(_ inode: Inode, offset: UInt64, limit: Int, plus: Bool) throws -> [DirectoryEntry] {
        readdirs += 1
        let node = try directory(inode)
        let dots = [DirectoryEntry(name: ".", inode: inode, type: .directory), DirectoryEntry(name: "..", inode: 1, type: .directory)]
        let children = node.children.sorted { $0.key < $1.key }
        let entries = dots + children.map { name, child in
            DirectoryEntry(name: name, inode: child, type: nodes[child]!.attributes.type)
        }
        // Only the entries handed out carry an EntryReply, so only they count as lookups. "." and ".."
        // get one too, which the kernel ignores: the bridge must give those lookups back.
        return entries.dropFirst(Int(offset)).prefix(limit).map { entry in
            plus ? DirectoryEntry(name: entry.name, entry: counted(entry.inode)) : entry
        }
    }

    func releasedir(inode: Inode, handle: UInt64) async throws {}

    func open(inode: Inode, flags: OpenFlags) async throws -> OpenReply {
        try lock.withLock {
            guard var node = nodes[inode] else { throw FUSEError.noEntry }
            if nodes[1]!.children[Self.brokenFileName] == inode { throw UnexpectedError() }
            if flags.truncate {
                node.data = []
                node.attributes.size = 0
                nodes[inode] = node
            }
            let isSlow = nodes[1]!.children[Self.slowFileName] == inode
            return OpenReply(handle: inode, directIO: isSlow)
        }
    }

    func create(parent: Inode, name: String, mode: mode_t, flags: OpenFlags, context: RequestContext) async throws -> CreateReply {
        try lock.withLock {
            creates += 1
            let entry = try newNode(name, in: parent, mode: mode)
            return CreateReply(entry: entry, open: OpenReply(handle: entry.attributes.inode))
        }
    }

    func read(inode: Inode, handle: UInt64, offset: UInt64, size: Int) async throws -> ReadData {
        let isSlow = lock.withLock { nodes[1]!.children[Self.slowFileName] == inode }
        if isSlow {
            lock.withLock { slowReadStarted = true }
            do {
                try await Task.sleep(nanoseconds: 120_000_000_000)
            } catch {
                lock.withLock { slowReadCancelled = true }
                throw error
            }
        }
        return try lock.withLock {
            guard let node = nodes[inode] else { throw FUSEError.noEntry }
            let start = min(Int(offset), node.data.count)
            return .bytes(Array(node.data[start..<min(start + size, node.data.count)]))
        }
    }

    func write(inode: Inode, handle: UInt64, offset: UInt64, data: [UInt8]) async throws -> Int {
        try lock.withLock {
            guard var node = nodes[inode] else { throw FUSEError.noEntry }
            let end = Int(offset) + data.count
            if node.data.count < end { node.data += [UInt8](repeating: 0, count: end - node.data.count) }
            node.data.replaceSubrange(Int(offset)..<end, with: data)
            node.attributes.size = UInt64(node.data.count)
            nodes[inode] = node
            return data.count
        }
    }

    func flush(inode: Inode, handle: UInt64, lockOwner: UInt64) async throws {}
    func release(inode: Inode, handle: UInt64, flags: OpenFlags) async throws {}
    func fsync(inode: Inode, handle: UInt64, dataOnly: Bool) async throws {}

    func mkdir(parent: Inode, name: String, mode: mode_t, context: RequestContext) async throws -> EntryReply {
        try lock.withLock { try newNode(name, in: parent, mode: mode | FileType.directory.rawValue) }
    }

    func unlink(parent: Inode, name: String) async throws {
        try lock.withLock {
            let inode = try child(name, of: parent)
            guard nodes[inode]!.attributes.type != .directory else { throw FUSEError.isDirectory }
            nodes[parent]!.children[name] = nil
        }
    }

    func rmdir(parent: Inode, name: String) async throws {
        try lock.withLock {
            let inode = try child(name, of: parent)
            guard try directory(inode).children.isEmpty else { throw FUSEError.notEmpty }
            nodes[parent]!.children[name] = nil
        }
    }

    func rename(parent: Inode, name: String, newParent: Inode, newName: String, flags: RenameFlags) async throws {
        try lock.withLock {
            let source = try child(name, of: parent)
            let target = try directory(newParent).children[newName]
            if flags.contains(.exchange) {
                guard let target else { throw FUSEError.noEntry }
                nodes[parent]!.children[name] = target
                nodes[newParent]!.children[newName] = source
                return
            }
            if let target {
                if flags.contains(.noReplace) { throw FUSEError.exists }
                if nodes[target]!.attributes.type == .directory, !nodes[target]!.children.isEmpty { throw FUSEError.notEmpty }
            }
            nodes[parent]!.children[name] = nil
            nodes[newParent]!.children[newName] = source
        }
    }

    func statfs(inode: Inode) async throws -> FileSystemStatistics {
        FileSystemStatistics(totalBlocks: 1 << 20, freeBlocks: 1 << 19, availableBlocks: 1 << 19, totalFiles: 1000, freeFiles: 900)
    }

    func getxattr(inode: Inode, name: String) async throws -> [UInt8] {
        try lock.withLock {
            guard let value = nodes[inode]?.extendedAttributes[name] else { throw FUSEError.noAttribute }
            return value
        }
    }

    func listxattr(inode: Inode) async throws -> [String] {
        lock.withLock { nodes[inode].map { Array($0.extendedAttributes.keys).sorted() } ?? [] }
    }

    func setxattr(inode: Inode, name: String, value: [UInt8], flags: ExtendedAttributeFlags) async throws {
        try lock.withLock {
            guard nodes[inode] != nil else { throw FUSEError.noEntry }
            let exists = nodes[inode]!.extendedAttributes[name] != nil
            if flags.contains(.create), exists { throw FUSEError.exists }
            if flags.contains(.replace), !exists { throw FUSEError.noAttribute }
            nodes[inode]!.extendedAttributes[name] = value
        }
    }

    func removexattr(inode: Inode, name: String) async throws {
        try lock.withLock {
            guard nodes[inode]?.extendedAttributes.removeValue(forKey: name) != nil else { throw FUSEError.noAttribute }
        }
    }
}
