import Cache
import Foundation

/// Download URLs (the targets of Box's `302`) by file version, so many block reads of one version cost
/// one API call instead of one each.
///
/// Only versioned downloads are cached: a URL for "the current version" would keep serving old content
/// after an upload, while a version's content never changes. Box's URLs expire (about 15 minutes); the
/// client drops an entry early when the download host refuses it. Concurrent reads of a version that
/// isn't cached yet (read-ahead issues several at once) share one lookup.
final class DownloadURLCache: Sendable {
    struct Key: Hashable {
        var id: ItemID
        var version: String
    }

    private enum Entry {
        case pending(Task<String, any Error>)
        case ready(url: String, expires: ContinuousClock.Instant)
    }

    /// More versions than an open-file working set; past it, expired entries are swept.
    private static let sweepThreshold = 4096
    private let lifetime: Duration
    private let entries = Locked([Key: Entry]())

    init(lifetime: TimeInterval) {
        self.lifetime = RetryPolicy.duration(lifetime)
    }

    /// The cached URL for `key`, or the one `lookup` finds (run once however many callers wait for it).
    func url(for key: Key, lookup: @escaping @Sendable () async throws -> String) async throws -> String {
        enum Found {
            case hit(String)
            case wait(Task<String, any Error>)
        }
        let now = ContinuousClock.now
        let found: Found = entries.withLock { entries in
            switch entries[key] {
            case .ready(let url, let expires) where expires > now:
                return .hit(url)
            case .pending(let task):
                return .wait(task)
            default:
                if entries.count >= Self.sweepThreshold { Self.sweep(&entries, now: now) }
                let task = Task { try await lookup() }
                entries[key] = .pending(task)
                return .wait(task)
            }
        }
        let task: Task<String, any Error>
        switch found {
        case .hit(let url): return url
        case .wait(let pending): task = pending
        }
        do {
            let url = try await task.value
            store(url, for: key, from: task)
            return url
        } catch {
            entries.withLock { entries in
                if case .pending(let pending) = entries[key], pending == task { entries[key] = nil }
            }
            throw error
        }
    }

    /// Forgets `key`'s URL (the download host refused it).
    func remove(_ key: Key) {
        _ = entries.withLock { $0.removeValue(forKey: key) }
    }

    /// Replaces `task`'s pending entry by its result (once; later waiters find it ready).
    private func store(_ url: String, for key: Key, from task: Task<String, any Error>) {
        let expires = ContinuousClock.now + lifetime
        entries.withLock { entries in
            if case .pending(let pending) = entries[key], pending == task {
                entries[key] = .ready(url: url, expires: expires)
            }
        }
    }

    private static func sweep(_ entries: inout [Key: Entry], now: ContinuousClock.Instant) {
        entries = entries.filter {
            if case .ready(_, let expires) = $0.value { return expires > now }
            return true
        }
    }
}
