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

    func current() async throws -> BoxUser {
        if let cached, Date().timeIntervalSince(cached.at) < 60 { return cached.user }
        let user = try await client.currentUser()
        cached = (user, Date())
        return user
    }
}
