import Foundation
import Logging

/// Persists the metadata as `<data>/metadata.json`, so a restarted emulator serves the same tree (the fault
/// matrix restarts it mid-run). Saves are debounced: a burst of mutations costs one write, and a kill -9 loses
/// at most the last `delay` of changes.
final class StoreSnapshot: @unchecked Sendable {
    private let file: URL
    private let logger: Logger
    private let delay: Duration = .seconds(1)
    private let lock = NSLock()
    private var saveScheduled = false
    /// Set by the final save at shutdown; later scheduled saves are dropped (the directory may be gone).
    private var closed = false

    init(file: URL, logger: Logger) {
        self.file = file
        self.logger = logger
    }

    func load() throws -> StoreState? {
        guard FileManager.default.fileExists(atPath: file.path) else { return nil }
        return try JSONDecoder().decode(StoreState.self, from: Data(contentsOf: file))
    }

    /// Saves the state `current` returns, `delay` from now, unless a save is already pending.
    func scheduleSave(_ current: @escaping @Sendable () -> StoreState) {
        let start = lock.withLock {
            defer { saveScheduled = true }
            return !saveScheduled
        }
        guard start else { return }
        Task {
            try? await Task.sleep(for: delay)
            let open = lock.withLock {
                saveScheduled = false
                return !closed
            }
            if open { saveNow(current()) }
        }
    }

    /// The last save: writes `state` and turns later scheduled saves into no-ops.
    func close(with state: StoreState) {
        lock.withLock { closed = true }
        saveNow(state)
    }

    private func saveNow(_ state: StoreState) {
        do {
            try JSONEncoder().encode(state).write(to: file, options: .atomic)
        } catch {
            logger.error("could not save metadata snapshot", metadata: ["error": "\(error)"])
        }
    }
}
