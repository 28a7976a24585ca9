import Foundation
import Logging

/// The emulated account: users and their item trees, the blob store and the event log.
///
/// One lock guards all metadata (`StoreState`). Every Box operation is a short in-memory step, so a lock is
/// simpler than an actor and lets the store implement the synchronous `UserDirectory` the token authority
/// needs. Content I/O never happens under the lock: blobs are written first, then linked in.
final class BoxStore: UserDirectory, @unchecked Sendable {
    let content: ContentStore
    let events: EventLog
    private let lock = NSLock()
    private var state: StoreState
    private let snapshot: StoreSnapshot

    init(dataDirectory: URL, logger: Logger) throws {
        content = try ContentStore(dataDirectory: dataDirectory)
        events = EventLog()
        snapshot = StoreSnapshot(file: dataDirectory.appendingPathComponent("metadata.json"), logger: logger)
        state = try snapshot.load() ?? StoreState(enterpriseID: DefaultUsers.enterpriseID)
        DefaultUsers.install(into: &state, at: BoxDate.truncated(Date()))
    }

    /// Runs a read-only step under the lock.
    func read<T>(_ body: (StoreState) throws -> T) rethrows -> T {
        try lock.withLock { try body(state) }
    }

    /// Runs a mutation under the lock, then publishes the events it recorded and schedules a snapshot.
    @discardableResult
    func write<T>(_ body: (inout StoreState) throws -> T) rethrows -> T {
        let result: T = try lock.withLock {
            defer {
                for event in state.pendingEvents {
                    events.append(user: event.user, type: event.type, createdBy: event.createdBy, source: event.source, at: event.date)
                }
                state.pendingEvents.removeAll()
            }
            return try body(&state)
        }
        snapshot.scheduleSave { [self] in read { $0 } }
        return result
    }

    /// Writes the metadata snapshot a last time (on shutdown).
    func flush() {
        snapshot.close(with: read { $0 })
    }

    // MARK: UserDirectory

    func userExists(_ id: UserID) -> Bool {
        read { $0.users[id] != nil }
    }

    func serviceAccount(enterpriseID: String) -> UserID? {
        read { state in
            guard enterpriseID == state.enterpriseID else { return nil }
            return state.users.values.first { $0.role == .serviceAccount }?.id
        }
    }
}
