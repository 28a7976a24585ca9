import Cache
import Foundation

/// Download URLs (the targets of Box's `302`) by file version, so many block reads of one version cost
/// one API call instead of one each.
///
/// Only versioned downloads are cached: a URL for "the current version" would keep serving old content
/// after an upload, while a version's content never changes. Box's URLs expire (about 15 minutes); the
/// client drops an entry early when the download host refuses it.
final class DownloadURLCache: Sendable {
    struct Key: Hashable {
        var id: ItemID
        var version: String
    }

    private struct Entry {
        var url: String
        var expires: ContinuousClock.Instant
    }

    /// More versions than an open-file working set; past it, expired entries are swept.
    private static let sweepThreshold = 4096
    private let lifetime: Duration
    private let entries = Locked([Key: Entry]())

    init(lifetime: TimeInterval) {
        self.lifetime = RetryPolicy.duration(lifetime)
    }

    func url(for key: Key) -> String? {
        let now = ContinuousClock.now
        return entries.withLock { entries in
            guard let entry = entries[key], entry.expires > now else { return nil }
            return entry.url
        }
    }

    func store(_ url: String, for key: Key) {
        let now = ContinuousClock.now
        entries.withLock { entries in
            if entries.count >= Self.sweepThreshold {
                entries = entries.filter { $0.value.expires > now }
            }
            entries[key] = Entry(url: url, expires: now + lifetime)
        }
    }

    func remove(_ key: Key) {
        _ = entries.withLock { $0.removeValue(forKey: key) }
    }
}
