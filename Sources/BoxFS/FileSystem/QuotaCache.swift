import Foundation

/// `statfs` answers from the account's quota, asked of Box at most once a minute (`df` in a loop, or a
/// desktop polling free space, must not spend the API budget).
actor QuotaCache {
    private let client: BoxClient
    private var cached: (user: BoxUser, at: Date)?

    init(client: BoxClient) { self.client = client }

    /// Starts the cache with an answer fetched elsewhere (the mount's account check).
    func prime(with user: BoxUser) {
        cached = (user, Date())
    }

    /// The last answer whatever its age (refreshed in the background when over a minute old), for checks on
    /// the write path that must not wait for Box; nil only before the first answer.
    func recent() -> BoxUser? {
        if let cached, Date().timeIntervalSince(cached.at) >= 60, refresh == nil {
            refresh = Task {
                defer { refresh = nil }
                _ = try? await current()
            }
        }
        return cached?.user
    }

    private var refresh: Task<Void, Never>?

    func current() async throws -> BoxUser {
        if let cached, Date().timeIntervalSince(cached.at) < 60 { return cached.user }
        let user = try await client.currentUser()
        cached = (user, Date())
        return user
    }
}
