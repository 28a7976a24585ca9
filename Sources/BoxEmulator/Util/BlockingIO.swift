import Dispatch

/// Runs blocking file work (assembling multi-GB uploads) off Swift's cooperative thread pool, which on a
/// small machine has as few threads as cores.
enum BlockingIO {
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try work() })
            }
        }
    }
}
