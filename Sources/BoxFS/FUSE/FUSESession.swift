#if canImport(Glibc)
import Glibc
#endif
import CFuse
import Cache
import Foundation
import Logging

/// A mounted filesystem: serves ``FUSEOperations`` at a mountpoint until it is unmounted.
///
/// ```swift
/// let session = try FUSESession.mount(at: "/mnt/box", options: try MountOptions(parsing: arguments.kernelOptions),
///                                     operations: fileSystem, logger: logger)
/// session.unmountOnSignals()            // SIGINT/SIGTERM unmount cleanly
/// let end = await session.waitUntilEnded()
/// ```
///
/// The kernel's requests are read on one dedicated thread, which only copies each request and starts a
/// `Task` for it; replies come from those tasks. The session ends when the mount goes away, whoever
/// unmounts it; requests still running are then cancelled and waited for before libfuse is torn down.
public final class FUSESession: @unchecked Sendable {
    // @unchecked: the immutable properties are safe to share; `state` and `lifecycle` guard the rest. Locks
    // rather than an actor because the loop thread, signal handlers and synchronous waiters all touch them.
    /// The canonical path the filesystem is mounted at.
    public let mountpoint: String
    public let options: MountOptions
    private let session: OpaquePointer
    private let dispatcher: FUSEDispatcher
    private let logger: Logger
    private let state = NSCondition()
    private var end: FUSESessionEnd?
    /// Guards `destroyed` apart from `state`, because invalidations hold it while blocked in the kernel.
    private let lifecycle = NSLock()
    private var destroyed = false
    private var waiters: [CheckedContinuation<FUSESessionEnd, Never>] = []
    private var signalForwarding: SignalForwarding?

    /// How long an ended session waits for running requests to finish before it gives up on them.
    private static let drainTimeout: TimeInterval = 30

    private init(mountpoint: String, options: MountOptions, session: OpaquePointer, dispatcher: FUSEDispatcher, logger: Logger) {
        self.mountpoint = mountpoint
        self.options = options
        self.session = session
        self.dispatcher = dispatcher
        self.logger = logger
    }

    /// Mounts `operations` at `path` and starts serving requests on a new thread.
    ///
    /// - Parameters:
    ///   - path: An existing directory.
    ///   - options: Kernel and ownership options, usually ``MountOptions/init(parsing:)``.
    ///   - operations: The filesystem.
    ///   - logger: Where the bridge reports failed operations and protocol misuse.
    /// - Throws: ``FUSESessionError`` (a stale mount at `path` is reported with the command that clears it).
    public static func mount(
        at path: String,
        options: MountOptions = MountOptions(),
        operations: some FUSEOperations,
        logger: Logger = Logger(label: "boxfs.fuse")
    ) throws -> FUSESession {
        if access("/dev/fuse", R_OK | W_OK) != 0 { throw FUSESessionError.deviceUnavailable(errno: errno) }
        let mountpoint = try Self.checkMountpoint(path)
        keepReplyBuffersInTheHeap()

        let dispatcher = FUSEDispatcher(
            operations: operations, overrides: OwnershipOverrides(options), mountpoint: mountpoint,
            maxRead: options.effectiveMaxRead, logger: logger)
        let arguments = options.libfuseArguments
        let cArguments = arguments.map { strdup($0)! }
        defer { cArguments.forEach { free($0) } }
        var handlers = FUSEDispatcher.handlers
        guard let session = cfuse_session_new(
            Int32(cArguments.count), cArguments.map { UnsafePointer($0) }, &handlers, dispatcher.context)
        else { throw FUSESessionError.invalidOptions(arguments) }
        guard cfuse_session_mount(session, mountpoint) == 0 else {
            cfuse_session_destroy(session)
            throw FUSESessionError.mountFailed(path: mountpoint)
        }

        let mounted = FUSESession(mountpoint: mountpoint, options: options, session: session, dispatcher: dispatcher, logger: logger)
        let thread = Thread { mounted.serve() }
        thread.name = "boxfs-fuse"
        thread.start()
        logger.info("mounted", metadata: ["mountpoint": "\(mountpoint)"])
        return mounted
    }

    /// Read replies (up to 1 MiB each) are allocated and freed hundreds of times a second. Past glibc's mmap
    /// threshold each would be a fresh mapping (256 page faults and zeroed pages per reply), and frees would trim
    /// the heap straight back; keeping buffers up to 4 MiB in the heap, and up to 32 MiB of it free before
    /// trimming, cuts the daemon's CPU per byte re-read by about a third. Process-wide, like a daemon's signal
    /// handling: the session is what makes the process a FUSE server.
    private static func keepReplyBuffersInTheHeap() {
        _ = mallopt(M_MMAP_THRESHOLD, 4 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, 32 << 20)
    }

    /// Resolves `path` and makes sure a filesystem can be mounted there.
    private static func checkMountpoint(_ path: String) throws -> String {
        var info = stat()
        if stat(path, &info) != 0 {
            let error = errno
            if error == ENOTCONN { throw FUSESessionError.staleMount(path: path) }
            throw FUSESessionError.badMountpoint(path: path, errno: error)
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw FUSESessionError.badMountpoint(path: path, errno: ENOTDIR) }
        guard let resolved = realpath(path, nil) else { throw FUSESessionError.badMountpoint(path: path, errno: errno) }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The loop thread: serve until the mount goes away, then tear down once no task can reply any more.
    private func serve() {
        let status = cfuse_session_loop(session)
        dispatcher.inFlight.interruptAll()
        if dispatcher.inFlight.waitUntilEmpty(timeout: Self.drainTimeout) {
            lifecycle.withLock {
                cfuse_session_destroy(session)
                destroyed = true
            }
        } else {
            // A late reply into a destroyed session would be a use-after-free; leaking is the safe failure.
            logger.critical("FUSE requests still running after unmount; leaving the session allocated")
        }
        let end: FUSESessionEnd = status != 0 ? .failed(errno: -status) : isStale ? .aborted : .unmounted
        logger.info("FUSE session ended", metadata: ["mountpoint": "\(mountpoint)", "end": "\(end)"])
        finish(end)
    }

    /// Whether the mountpoint is still mounted but dead (`ENOTCONN`), as after an aborted connection.
    private var isStale: Bool {
        var info = stat()
        return stat(mountpoint, &info) != 0 && errno == ENOTCONN
    }

    private func finish(_ end: FUSESessionEnd) {
        let (waiters, signalForwarding) = state.withLock {
            self.end = end
            state.broadcast()
            defer {
                self.waiters = []
                self.signalForwarding = nil
            }
            return (self.waiters, self.signalForwarding)
        }
        signalForwarding?.stop()
        for waiter in waiters {
            waiter.resume(returning: end)
        }
    }

    /// Unmounts the filesystem; the session ends once the kernel lets go of it.
    ///
    /// The unmount is lazy (`MNT_DETACH`): the mountpoint disappears at once, and files still open keep
    /// working until they are closed, so a running `cp` or editor save does not lose data. Unmounting an
    /// already unmounted session does nothing; after ``FUSESessionEnd/aborted`` it removes the stale mount.
    public func unmount() throws {
        if geteuid() == 0 {
            guard umount2(mountpoint, Int32(MNT_DETACH)) == 0 else {
                let error = errno
                if error == EINVAL { return }  // no longer a mount point: someone else unmounted it
                throw FUSESessionError.unmountFailed(path: mountpoint, errno: error)
            }
        } else {
            try Self.fusermountUnmount(mountpoint)
        }
    }

    /// Unprivileged unmounts go through the setuid helper, as libfuse's own do.
    private static func fusermountUnmount(_ mountpoint: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/fusermount3")
        process.arguments = ["-u", "-z", "-q", "--", mountpoint]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw FUSESessionError.unmountFailed(path: mountpoint, errno: EPERM) }
    }

    /// Unmounts when the process receives one of `signals`, instead of their default action, which would
    /// kill the process and leave a stale mount behind. The default action returns when the session ends.
    /// Signal dispositions are process-wide: call this for one session only. If the handlers can't be
    /// installed (no file descriptors left) the failure is logged and signals keep their default action.
    public func unmountOnSignals(_ signals: [Int32] = [SIGINT, SIGTERM]) {
        // Handlers are process-wide: a previous forwarding must be gone before the new one is installed.
        let previous = state.withLock {
            defer { signalForwarding = nil }
            return signalForwarding
        }
        previous?.stop()
        let mountpoint = self.mountpoint
        let logger = self.logger
        let forwarding: SignalForwarding
        do {
            forwarding = try SignalForwarding(signals: signals) { [weak self] number in
                logger.notice("unmounting on signal", metadata: ["signal": "\(number)", "mountpoint": "\(mountpoint)"])
                do {
                    try self?.unmount()
                } catch {
                    logger.error("unmount on signal failed", metadata: ["error": "\(error)"])
                }
            }
        } catch {
            logger.error("cannot unmount on signals", metadata: ["error": "\(error)"])
            return
        }
        let ended = state.withLock {
            if end == nil { signalForwarding = forwarding }
            return end != nil
        }
        if ended { forwarding.stop() }
    }

    /// Waits for the session to end and tells how.
    public func waitUntilEnded() async -> FUSESessionEnd {
        await withCheckedContinuation { continuation in
            let ended: FUSESessionEnd? = state.withLock {
                if end == nil { waiters.append(continuation) }
                return end
            }
            if let ended { continuation.resume(returning: ended) }
        }
    }

    /// Blocks the calling thread until the session ends or `timeout` passes; `nil` on timeout.
    public func waitUntilEnded(timeout: TimeInterval) -> FUSESessionEnd? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        state.lock()
        defer { state.unlock() }
        while end == nil {
            if !state.wait(until: deadline) { break }
        }
        return end
    }

    /// Makes the kernel forget the cached attributes and data of `inode` (it changed remotely).
    /// Blocks briefly in the kernel: call it from a task, never from inside an operation on that inode.
    public func invalidate(inode: Inode) {
        notify { cfuse_notify_inval_inode(session, fuse_ino_t(inode)) }
    }

    /// Makes the kernel forget an inode's attributes (size, times) but keep its pages: the content is the same.
    public func invalidateAttributes(of inode: Inode) {
        notify { cfuse_notify_inval_attributes(session, fuse_ino_t(inode)) }
    }

    /// Makes the kernel forget the name `name` in `parent` (it was removed, renamed or created remotely).
    /// Blocks briefly in the kernel: call it from a task, never from inside an operation on `parent`.
    public func invalidateEntry(parent: Inode, name: String) {
        notify { cfuse_notify_inval_entry(session, fuse_ino_t(parent), name) }
    }

    private func notify(_ send: () -> Int32) {
        // Under `lifecycle` so the session can't be destroyed mid-call.
        let result: Int32? = lifecycle.withLock { destroyed ? nil : send() }
        if let result, result != 0, result != -ENOENT {
            logger.debug("FUSE invalidation not delivered", metadata: ["errno": "\(-result)"])
        }
    }
}
