import Foundation

/// The requests whose tasks are still running, so interrupts can find them and shutdown can wait for them.
final class InFlightRequests: @unchecked Sendable {
    // @unchecked: all state is guarded by `condition`. A condition variable rather than an actor because
    // the FUSE thread must register requests and deliver interrupts synchronously, and shutdown blocks
    // (on the session's own thread) until the last task has replied.
    private let condition = NSCondition()
    private var requests: [UInt: FUSERequest] = [:]

    func insert(_ request: FUSERequest) {
        condition.withLock { requests[request.key] = request }
    }

    func remove(_ request: FUSERequest) {
        condition.withLock {
            // libfuse reuses request memory once answered, so the key may already name a newer request.
            if requests[request.key] === request { requests[request.key] = nil }
            if requests.isEmpty { condition.broadcast() }
        }
    }

    /// Interrupts the request libfuse names by `key`, if it is still running.
    func interrupt(key: UInt) {
        condition.withLock { requests[key] }?.interrupt()
    }

    /// Interrupts every running request (the session is ending; nobody will read the answers).
    func interruptAll() {
        for request in condition.withLock({ Array(requests.values) }) {
            request.interrupt()
        }
    }

    /// Blocks until no request is running or `timeout` passes; answers whether all finished.
    func waitUntilEmpty(timeout: TimeInterval) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while !requests.isEmpty {
            if !condition.wait(until: deadline) { return requests.isEmpty }
        }
        return true
    }
}
