import Cache
import Foundation

/// Box metadata as read-only extended attributes, so scripts can verify uploads (`user.box.sha1`) or find an
/// item in the web UI (`user.box.id`) with getfattr.
extension BoxFileSystem {
    enum BoxAttribute: String, CaseIterable {
        case id = "user.box.id"
        case sha1 = "user.box.sha1"
        case etag = "user.box.etag"
        case version = "user.box.version"
        /// "1" while the file has changes on their way to Box.
        case pending = "user.box.pending"

        func value(of record: ItemRecord, pending: Bool) -> String? {
            switch self {
            case .id: record.isProvisional ? nil : record.id.rawValue
            case .sha1: pending ? nil : record.sha1
            case .etag: record.etag
            case .version: pending ? nil : record.fileVersionID
            case .pending: record.kind == .file ? (pending ? "1" : "0") : nil
            }
        }

        /// The attribute a getxattr names. Names outside the `user.` namespace are EOPNOTSUPP: Box keeps no
        /// security labels, ACLs or trusted attributes, and that errno (unlike ENODATA) lets `ls -l` stop asking
        /// the rest of the mount for `security.selinux` and ACLs after the first entry, instead of a round trip
        /// each per entry. Other `user.` names simply don't exist (ENODATA).
        static func named(_ name: String) -> Result<BoxAttribute, FUSEError> {
            guard name.hasPrefix("user.") else { return .failure(.notSupported) }
            guard let attribute = BoxAttribute(rawValue: name) else { return .failure(.noAttribute) }
            return .success(attribute)
        }
    }

    /// Answers from a fresh record without a task; nil sends the request to `getxattr`. With xattrs off, every
    /// name goes to the task once, to be told ENOSYS.
    func getxattrNow(inode: Inode, name: String) -> ImmediateAnswer<[UInt8]>? {
        guard options.extendedAttributes else { return nil }
        let attribute: BoxAttribute
        switch BoxAttribute.named(name) {
        case .success(let named): attribute = named
        case .failure(let error): return .failed(error)
        }
        do {
            guard let record = try catalog.cachedItem(try catalog.id(of: inode)) else { return nil }
            guard let value = attribute.value(of: record, pending: isPending(record, inode: inode)) else {
                return .failed(.noAttribute)
            }
            return .found(Array(value.utf8))
        } catch {
            return nil
        }
    }

    func getxattr(inode: Inode, name: String) async throws -> [UInt8] {
        // ENOSYS makes the kernel answer every later getxattr itself (EOPNOTSUPP): no round trips at all.
        guard options.extendedAttributes else { throw FUSEError.notImplemented }
        return try await run("getxattr \(name) of \(path(inode))") { [self] in
            let attribute = try BoxAttribute.named(name).get()
            let (record, pending) = try await current(inode)
            guard let value = attribute.value(of: record, pending: pending) else { throw FUSEError.noAttribute }
            return Array(value.utf8)
        }
    }

    func listxattr(inode: Inode) async throws -> [String] {
        guard options.extendedAttributes else { throw FUSEError.notImplemented }
        return try await run("listxattr \(path(inode))") { [self] in
            let (record, pending) = try await current(inode)
            return BoxAttribute.allCases.filter { $0.value(of: record, pending: pending) != nil }.map(\.rawValue)
        }
    }

    func setxattr(inode: Inode, name: String, value: [UInt8], flags: ExtendedAttributeFlags) async throws {
        throw FUSEError.notSupported
    }

    func removexattr(inode: Inode, name: String) async throws {
        throw FUSEError.notSupported
    }

    private func current(_ inode: Inode) async throws -> (ItemRecord, pending: Bool) {
        let record = try await catalog.item(try catalog.id(of: inode))
        return (record, isPending(record, inode: inode))
    }

    private func isPending(_ record: ItemRecord, inode: Inode) -> Bool {
        localChanges.record(for: record.id) != nil || writers.isOpen(inode)
    }
}
