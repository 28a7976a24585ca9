import Foundation

/// Open handles by the number the kernel quotes back in later requests.
///
/// A lock, not an actor: lookups happen on every read and write and must not queue behind slower work.
final class HandleTable<Handle: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`.
    private var handles: [UInt64: Handle] = [:]
    private var next: UInt64 = 1

    func insert(_ handle: Handle) -> UInt64 {
        lock.withLock {
            defer { next += 1 }
            handles[next] = handle
            return next
        }
    }

    func get(_ number: UInt64) throws -> Handle {
        guard let handle = lock.withLock({ handles[number] }) else { throw FileSystemError.badHandle }
        return handle
    }

    @discardableResult
    func remove(_ number: UInt64) -> Handle? { lock.withLock { handles.removeValue(forKey: number) } }

    var count: Int { lock.withLock { handles.count } }
}
