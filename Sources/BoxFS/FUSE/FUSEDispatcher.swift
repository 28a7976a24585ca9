#if canImport(Glibc)
import Glibc
#endif
import CFuse
import Cache
import Foundation
import Logging

/// Turns each kernel request into a `Task` running the matching ``FUSEOperations`` method, and its result
/// into exactly one reply.
///
/// The C handlers (``FUSEDispatcher/handlers``) run on the FUSE thread: they copy what the kernel lent
/// them (names, write data), start the task and return at once, so a slow operation never holds up others.
final class FUSEDispatcher: @unchecked Sendable {
    // @unchecked: every stored property is immutable or (`inFlight`) synchronises itself.
    let operations: any FUSEOperations
    let overrides: OwnershipOverrides
    let logger: Logger
    let inFlight = InFlightRequests()
    /// Where the session is mounted, to find the mount's device when raising the kernel's read-ahead.
    let mountpoint: String
    /// The `max_read=` mount option, which libfuse requires `init` to repeat.
    let maxRead: UInt32

    init(operations: any FUSEOperations, overrides: OwnershipOverrides, mountpoint: String, maxRead: UInt32,
         logger: Logger) {
        self.operations = operations
        self.overrides = overrides
        self.mountpoint = mountpoint
        self.maxRead = maxRead
        self.logger = logger
    }

    /// The pointer the C shim hands back to every handler; the session keeps `self` alive meanwhile.
    var context: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static func from(_ context: UnsafeMutableRawPointer) -> FUSEDispatcher {
        Unmanaged<FUSEDispatcher>.fromOpaque(context).takeUnretainedValue()
    }

    /// Runs `body` for the request in a new task and answers whatever it throws.
    func serve(
        _ raw: OpaquePointer,
        _ operation: String,
        _ body: @escaping @Sendable (FUSERequest, any FUSEOperations) async throws -> Void
    ) {
        let request = FUSERequest(raw, operation: operation, overrides: overrides, logger: logger)
        inFlight.insert(request)
        // Before the task exists: once it replies, libfuse may free `raw`. An interrupt arriving now
        // only marks the request, and `attach` then cancels the task.
        cfuse_watch_interrupt(raw)
        let operations = self.operations
        let inFlight = self.inFlight
        let logger = self.logger
        request.attach(Task {
            do {
                try await body(request, operations)
            } catch where request.isInterrupted {
                request.reply(error: .interrupted)
            } catch let error as FUSEError {
                request.reply(error: error)
            } catch {
                logger.error("FUSE operation failed with a non-FUSE error; answering EIO", metadata: [
                    "operation": "\(operation)", "error": "\(error)",
                ])
                request.reply(error: .ioError)
            }
            inFlight.remove(request)
        })
    }

    /// Sends the filesystem's immediate answer, if it gave one, on the FUSE thread (no task, no interrupt watch:
    /// the reply goes before an interrupt could matter); false means the request still needs serving.
    func answered<Value>(
        _ raw: OpaquePointer, _ operation: String, _ answer: ImmediateAnswer<Value>?,
        failure: (FUSERequest, FUSEError) -> Void = { $0.reply(error: $1) },
        _ reply: (FUSERequest, Value) -> Void
    ) -> Bool {
        guard let answer else { return false }
        let request = FUSERequest(raw, operation: operation, overrides: overrides, logger: logger)
        switch answer {
        case .found(let value): reply(request, value)
        case .failed(let error): failure(request, error)
        }
        return true
    }

    /// Replies with an entry; if the kernel did not take it, the lookup the filesystem counted is undone.
    static func reply(_ request: FUSERequest, entry: EntryReply, operations: any FUSEOperations) {
        if !request.reply(entry: entry) {
            operations.forget(inode: entry.attributes.inode, lookups: 1)
        }
    }

    // MARK: Requests answered on the FUSE thread

    func initialize(_ conn: UnsafeMutablePointer<fuse_conn_info>) {
        var connection = FUSEConnection(
            protocolVersion: (conn.pointee.proto_major, conn.pointee.proto_minor),
            capable: FUSECapabilities(rawValue: conn.pointee.capable),
            wanted: FUSECapabilities(rawValue: conn.pointee.want),
            maxWrite: conn.pointee.max_write,
            maxReadahead: conn.pointee.max_readahead,
            maxBackground: conn.pointee.max_background,
            timeGranularity: conn.pointee.time_gran
        )
        let offeredReadahead = conn.pointee.max_readahead
        operations.initialize(&connection)
        if connection.maxReadahead > offeredReadahead {
            // The kernel takes the smaller of the answer and the device's current limit: raise that first.
            do {
                try KernelReadahead.set(connection.maxReadahead, mountpoint: mountpoint)
            } catch {
                logger.notice("cannot raise the kernel's read-ahead (reads arrive in smaller pieces)", metadata: [
                    "bytes": "\(connection.maxReadahead)", "error": "\(error)",
                ])
                connection.maxReadahead = offeredReadahead
            }
        }
        let unsupported = connection.wanted.subtracting(connection.capable)
        if !unsupported.isEmpty {
            logger.warning("kernel lacks requested FUSE capabilities", metadata: ["capabilities": "\(unsupported.rawValue)"])
        }
        conn.pointee.want = connection.wanted.intersection(connection.capable).rawValue
        conn.pointee.max_read = maxRead
        conn.pointee.max_write = connection.maxWrite
        conn.pointee.max_readahead = connection.maxReadahead
        conn.pointee.max_background = connection.maxBackground
        conn.pointee.time_gran = connection.timeGranularity
    }

    func forget(inode: fuse_ino_t, lookups: UInt64) {
        operations.forget(inode: Inode(inode), lookups: lookups)
    }

    func interrupted(_ raw: OpaquePointer) {
        inFlight.interrupt(key: UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(raw))))
    }
}
