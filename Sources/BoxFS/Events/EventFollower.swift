import Cache
import Foundation
import Logging

/// Follows Box's `changes` event stream: long-polls for news, reads the events from the stored stream position
/// and applies them, and keeps the position in SQLite so a restart resumes where the last run stopped.
///
/// While the follower is healthy the catalog trusts cached listings for longer (see ``FreshnessPolicy``);
/// when events fail, the plain metadata TTL applies again.
final class EventFollower: Sendable {
    private let client: BoxClient
    private let store: MetadataStore
    private let applier: EventApplier
    private let policy: FreshnessPolicy
    private let logger: Logger
    private let recent = Locked(RecentEventIDs())

    init(client: BoxClient, store: MetadataStore, applier: EventApplier, policy: FreshnessPolicy, logger: Logger) {
        self.client = client
        self.store = store
        self.applier = applier
        self.policy = policy
        self.logger = logger
    }

    /// Applies the changes made since the stored position (before the mount serves anything), or records the
    /// current position on a first run.
    func catchUp() async throws {
        guard let stored = try store.stateValue(for: .eventStreamPosition) else {
            let page = try await client.events(from: .now)
            try store.setStateValue(page.nextStreamPosition.rawValue, for: .eventStreamPosition)
            return
        }
        do {
            try await drain(from: EventStreamPosition(stored))
        } catch BoxAPIError.http(let status, _) where status == 400 || status == 404 {
            // The position is too old for Box to replay: start over and distrust every cached listing.
            logger.notice("the stored events position \(stored) has expired; revalidating cached folders")
            try store.invalidateAllListings()
            let page = try await client.events(from: .now)
            try store.setStateValue(page.nextStreamPosition.rawValue, for: .eventStreamPosition)
        }
    }

    /// Long-polls and applies events until cancelled, backing off while Box is unreachable.
    func run() async {
        var backoff: Duration = .seconds(1)
        while !Task.isCancelled {
            do {
                try await catchUp()
                policy.setEventsHealthy(true)
                backoff = .seconds(1)
                try await follow()
            } catch is CancellationError {
                break
            } catch {
                policy.setEventsHealthy(false)
                if Task.isCancelled { break }
                logger.warning("events unavailable (\(error)); relying on the metadata TTL, retrying in \(backoff)")
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(120))
            }
        }
        policy.setEventsHealthy(false)
    }

    private func follow() async throws {
        while !Task.isCancelled {
            let server = try await client.longPollServer()
            var timeouts = 0
            var quiet = Self.coalescing
            polling: while !Task.isCancelled {
                let position = try currentPosition()
                switch try await client.waitForChange(on: server, after: position) {
                case .newChange:
                    // Changes come in bursts (a copy, often our own uploads): one page a moment later carries the
                    // burst, where reading at once would cost a long poll and a page per change. While the pages
                    // hold only echoes of this mount's own changes (an rsync into it), wait longer each time:
                    // two calls a wake add up to a tenth of a busy copy's calls. Others' changes reset it.
                    try await Task.sleep(for: quiet)
                    let changed = try await drain(from: position)
                    quiet = changed ? Self.coalescing : min(quiet * 2, Self.longestCoalescing)
                case .reconnect:
                    break polling
                case .timeout:
                    timeouts += 1
                    if timeouts >= max(1, server.maxRetries) { break polling }
                }
            }
        }
    }

    private func currentPosition() throws -> EventStreamPosition {
        guard let stored = try store.stateValue(for: .eventStreamPosition) else { return .now }
        return EventStreamPosition(stored)
    }

    static let coalescing: Duration = .seconds(1)
    // With the long poll and the page, a change elsewhere still shows within about 4 s while we are busy.
    static let longestCoalescing: Duration = .seconds(3)
    private static let pageLimit = 500

    /// Reads and applies pages until Box has nothing newer (a page short of the limit), storing the position after
    /// each page.
    ///
    /// - Returns: whether any event changed what the mount shows (not an echo, not about folders never seen).
    @discardableResult
    private func drain(from start: EventStreamPosition) async throws -> Bool {
        var position = start
        var changed = false
        while true {
            let page = try await client.events(from: position, limit: Self.pageLimit)
            for event in page.entries where recent.withLock({ $0.insert(event.id) }) {
                do { changed = try applier.apply(event) || changed } catch {
                    changed = true
                    logger.warning("could not apply event \(event.id): \(error)")
                }
            }
            try store.setStateValue(page.nextStreamPosition.rawValue, for: .eventStreamPosition)
            if page.entries.count < Self.pageLimit || page.nextStreamPosition == position { return changed }
            position = page.nextStreamPosition
        }
    }
}
