import Foundation

/// The account's quota and upload limit, asked of Box at most about once a minute: `statfs` answers from it (`df`
/// in a loop, or a desktop polling free space, must not spend the API budget), and the write path checks every
/// growing write against it.
///
/// A lock, not an actor: the write path reads the last answer on every growing write and must not queue behind a
/// refresh waiting for Box.
final class QuotaCache: Sendable {
    private let client: BoxClient
    private let state = Locked<(answer: (user: BoxUser, at: Date)?, refreshing: Bool)>((nil, false))

    init(client: BoxClient) { self.client = client }

    /// Starts the cache with an answer fetched elsewhere (the mount's account check).
    func prime(with user: BoxUser) {
        state.withLock { $0.answer = (user, Date()) }
    }

    /// The last answer whatever its age (refreshed in the background when over a minute old), for checks that
    /// must not wait for Box; nil only before the first answer.
    func recent() -> BoxUser? {
        let (user, refresh) = state.withLock { state -> (BoxUser?, Bool) in
            guard let answer = state.answer else { return (nil, false) }
            let refresh = !state.refreshing && Date().timeIntervalSince(answer.at) >= 60
            if refresh { state.refreshing = true }
            return (answer.user, refresh)
        }
        if refresh { Task { _ = try? await fetch() } }
        return user
    }

    /// An answer at most a minute old, asking Box if the last one is older.
    func current() async throws -> BoxUser {
        if let answer = state.withLock({ $0.answer }), Date().timeIntervalSince(answer.at) < 60 { return answer.user }
        return try await fetch()
    }

    private func fetch() async throws -> BoxUser {
        defer { state.withLock { $0.refreshing = false } }
        let user = try await client.currentUser()
        state.withLock { $0.answer = (user, Date()) }
        return user
    }
}
