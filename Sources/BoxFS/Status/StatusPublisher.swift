import Cache
import Foundation
import Logging

/// Keeps a mount's status file current: checks twice a second and rewrites the file (atomically, by rename)
/// when something changed, and at least every two seconds so readers can tell a live daemon by the time.
struct StatusPublisher: Sendable {
    let mountpoint: String
    let cacheDirectory: URL
    let apiURL: URL
    let client: BoxClient
    let store: MetadataStore
    let blocks: BlockCache
    /// Fed with every snapshot, when the Prometheus endpoint is on.
    let metrics: MountMetrics?
    let logger: Logger

    private var fileURL: URL { MountStatus.fileURL(inCacheDirectory: cacheDirectory) }
    private var link: URL { StatusDirectory.link(forMountpoint: mountpoint) }

    /// Publishes until cancelled, then removes the file and its runtime link.
    func run() async {
        publishLink()
        var activity = ActivityWindow(length: .seconds(60))
        var connection = MountStatus.Connection.online
        var lastWritten: (status: MountStatus, at: ContinuousClock.Instant)?
        while !Task.isCancelled {
            let now = ContinuousClock.now
            let stats = client.stats
            activity.record(stats, at: now)
            connection = activity.connection(recent: .seconds(10), at: now) ?? connection
            let status = snapshot(stats: stats, activity: activity, connection: connection)
            metrics?.record(status, stats: stats)
            if let last = lastWritten, last.status.sameContent(as: status), now - last.at < .seconds(2) {
                // Nothing new to say yet.
            } else {
                write(status)
                lastWritten = (status, now)
            }
            try? await Task.sleep(for: .milliseconds(500))
        }
        try? FileManager.default.removeItem(at: link)
        try? FileManager.default.removeItem(at: fileURL)
    }

    private func snapshot(stats: ClientStats, activity: ActivityWindow, connection: MountStatus.Connection) -> MountStatus {
        let usage = blocks.usage
        let lookups = blocks.lookups
        return MountStatus(
            pid: getpid(), mountpoint: mountpoint, cacheDirectory: cacheDirectory.path, apiURL: apiURL.absoluteString,
            updatedAt: Date(), connection: connection, uploads: pendingUploads(),
            cache: .init(bytes: usage.bytes, capacity: blocks.capacity, blocks: usage.blocks,
                         hits: lookups.hits, misses: lookups.misses),
            lastMinute: activity.lastWindow, sinceMount: .init(from: ClientStats(), to: stats))
    }

    private func pendingUploads() -> [MountStatus.PendingUpload] {
        guard let entries = try? store.uploads() else { return [] }
        return entries.map { entry in
            MountStatus.PendingUpload(
                id: entry.id.rawValue, name: name(of: entry.target), size: entry.size, bytesDone: Self.bytesDone(entry),
                state: entry.state.rawValue, attempts: entry.attempts, lastError: entry.lastError,
                queuedAt: entry.createdAt)
        }
    }

    private func name(of target: UploadTarget) -> String {
        switch target {
        case .newFile(_, let name): name
        case .newVersion(let id, _): (try? store.item(id))?.name ?? "file \(id)"
        }
    }

    /// The parts of a chunked upload Box has stored, from the progress the uploader journals.
    private static func bytesDone(_ entry: UploadJournalEntry) -> Int64 {
        guard let json = entry.partsDoneJSON,
              let progress = try? JSONDecoder().decode(ChunkedUploadProgress.self, from: Data(json.utf8))
        else { return 0 }
        return progress.parts.reduce(0) { $0 + $1.size }
    }

    private func write(_ status: MountStatus) {
        do {
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(status).write(to: fileURL, options: .atomic)
        } catch {
            logger.debug("could not write \(fileURL.path): \(error)")
        }
    }

    private func publishLink() {
        do {
            try FileManager.default.createDirectory(at: link.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? FileManager.default.removeItem(at: link)
            try FileManager.default.createSymbolicLink(at: link, withDestinationURL: fileURL)
        } catch {
            logger.warning("could not publish the status link \(link.path) (boxfs status needs --cache-dir): \(error)")
        }
    }
}

extension MountStatus {
    /// Equal apart from the time of writing.
    func sameContent(as other: MountStatus) -> Bool {
        var other = other
        other.updatedAt = updatedAt
        return self == other
    }
}
