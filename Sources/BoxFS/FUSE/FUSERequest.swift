#if canImport(Glibc)
import Glibc
#endif
import Cache
import CFuse
import Foundation
import Logging

/// One kernel request awaiting its answer.
///
/// Replies may come from any thread; the first one is sent and any later one is a programming error that
/// is logged and dropped (a second reply would corrupt libfuse's request bookkeeping). A request dropped
/// without any reply is answered `EIO` so the calling process never hangs.
final class FUSERequest: @unchecked Sendable {
    // @unchecked: `raw` is only handed to libfuse's reply functions under `lock`, by the one reply that wins
    // (readdir packing passes it too, but libfuse ignores the request there); the other mutable state is
    // guarded by `lock`. An NSLock rather than an actor because replies must be synchronous and
    // are also made from the FUSE thread (deinit, interrupt).
    private let raw: OpaquePointer
    private let lock = NSLock()
    private var replied = false
    private var interrupted = false
    private var task: Task<Void, Never>?

    /// What kind of request this is, for logs.
    let operation: String
    /// Who made the request, captured while libfuse's request is certainly alive.
    let context: RequestContext
    let overrides: OwnershipOverrides
    let logger: Logger

    init(_ raw: OpaquePointer, operation: String, overrides: OwnershipOverrides, logger: Logger) {
        self.raw = raw
        self.operation = operation
        self.overrides = overrides
        self.logger = logger
        let ctx = fuse_req_ctx(raw)!.pointee
        self.context = RequestContext(uid: ctx.uid, gid: ctx.gid, pid: ctx.pid, umask: ctx.umask)
    }

    deinit {
        if !replied {
            logger.error("FUSE request dropped without a reply; answering EIO", metadata: ["operation": "\(operation)"])
            fuse_reply_err(raw, EIO)
        }
    }

    /// The identity libfuse interrupt callbacks name this request by.
    var key: UInt { UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(raw))) }

    // MARK: Interrupts

    /// Whether the kernel interrupted this request.
    var isInterrupted: Bool { lock.withLock { interrupted } }

    /// Remembers the task serving this request, cancelling it at once if an interrupt already came.
    func attach(_ task: Task<Void, Never>) {
        let cancel = lock.withLock {
            self.task = task
            return interrupted
        }
        if cancel { task.cancel() }
    }

    /// The kernel interrupted the request: cancel its task (if there is one yet).
    func interrupt() {
        let task = lock.withLock {
            interrupted = true
            return self.task
        }
        task?.cancel()
    }

    /// A buffer for packing this request's readdir answer into.
    func directoryBuffer(capacity: Int) -> DirectoryBuffer {
        DirectoryBuffer(request: raw, capacity: capacity)
    }

    // MARK: Replies

    /// Runs `send` with the raw request if nothing was sent yet; answers whether it ran and libfuse
    /// accepted the reply.
    @discardableResult
    private func send(_ kind: String, _ send: (OpaquePointer) -> Int32) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard !replied else {
            logger.error("second FUSE reply dropped", metadata: ["operation": "\(operation)", "reply": "\(kind)"])
            return false
        }
        replied = true
        let result = send(raw)
        if result != 0 {
            // The kernel gave up on the request (interrupted and abandoned, or the connection is gone).
            logger.debug("FUSE reply not delivered", metadata: ["operation": "\(operation)", "errno": "\(-result)"])
        }
        return result == 0
    }

    func reply(error: FUSEError) {
        send("error") { fuse_reply_err($0, error.errno) }
    }

    /// Success without data (unlink, rename, release, fsync, setxattr, ...).
    func replySuccess() {
        send("ok") { fuse_reply_err($0, 0) }
    }

    /// Answers with an entry; `false` if the kernel did not take it, so the lookup it carried never counted.
    func reply(entry: EntryReply) -> Bool {
        var param = overrides.apply(to: entry).entryParam
        return send("entry") { fuse_reply_entry($0, &param) }
    }

    /// Answers a lookup with "no such name, and remember that for `timeout`" (an entry with inode 0).
    func reply(absentFor timeout: TimeInterval) {
        var param = fuse_entry_param()
        param.entry_timeout = timeout
        send("negative entry") { fuse_reply_entry($0, &param) }
    }

    func reply(attributes: AttributeReply) {
        var stat = overrides.apply(to: attributes.attributes).stat
        send("attr") { fuse_reply_attr($0, &stat, attributes.timeout) }
    }

    func reply(open: OpenReply) {
        send("open") {
            cfuse_reply_open(
                $0, open.handle, open.keepCache ? 1 : 0, open.directIO ? 1 : 0, open.nonseekable ? 1 : 0,
                open.cacheDirectory ? 1 : 0)
        }
    }

    /// Answers `create`; `false` if the kernel did not take it, so the lookup it carried never counted.
    func reply(create: CreateReply) -> Bool {
        var param = overrides.apply(to: create.entry).entryParam
        let open = create.open
        return send("create") {
            cfuse_reply_create($0, &param, open.handle, open.keepCache ? 1 : 0, open.directIO ? 1 : 0, open.nonseekable ? 1 : 0)
        }
    }

    /// Answers with raw bytes (read data, a packed directory buffer, an xattr value or name list).
    @discardableResult
    func reply(bytes: UnsafeRawBufferPointer) -> Bool {
        send("buf") { fuse_reply_buf($0, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), bytes.count) }
    }

    func reply(bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { reply(bytes: $0) }
    }

    /// Answers a read with the first `count` bytes of `ranges`, spliced from their files where libfuse can.
    func reply(files ranges: [OpenFileRange], count: Int) {
        var descriptors: [Int32] = [], offsets: [off_t] = [], sizes: [Int] = []
        var left = count
        for range in ranges where left > 0 {
            descriptors.append(range.descriptor)
            offsets.append(off_t(range.offset))
            sizes.append(min(left, range.count))
            left -= sizes[sizes.count - 1]
        }
        // `ranges` keeps the descriptors open until the reply is sent.
        withExtendedLifetime(ranges) {
            send("data") { cfuse_reply_file_ranges($0, descriptors, offsets, sizes, descriptors.count) }
        }
    }

    func reply(written count: Int) {
        send("write") { fuse_reply_write($0, count) }
    }

    func reply(statistics: FileSystemStatistics) {
        var stat = statistics.statvfs
        send("statfs") { fuse_reply_statfs($0, &stat) }
    }

    /// Answers an xattr size probe.
    func reply(extendedAttributeSize size: Int) {
        send("xattr") { fuse_reply_xattr($0, size) }
    }

    func reply(linkTarget: String) {
        send("readlink") { fuse_reply_readlink($0, linkTarget) }
    }

}
