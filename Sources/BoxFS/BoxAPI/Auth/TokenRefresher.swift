import Foundation

/// Holds one granted access token and replaces it when it nears expiry or the API rejects it.
///
/// Concurrent callers share one grant request (single flight): a burst of requests after expiry costs one call to
/// the token endpoint, and an OAuth refresh token is never spent twice. With a `persist` step, each new token is
/// saved before it is handed out; if saving fails it is kept in memory and saving is retried before any use, so a
/// rotated single-use refresh token is never dropped.
actor TokenRefresher {
    /// Obtains a new token; `previous` is the token being replaced (OAuth spends its refresh token).
    typealias Fetch = @Sendable (_ previous: GrantedToken?) async throws -> GrantedToken
    typealias Persist = @Sendable (GrantedToken) throws -> Void

    private let fetch: Fetch
    private let persist: Persist?
    private let now: @Sendable () -> Date
    private var current: GrantedToken?
    /// The API refused `current`'s access token: replace it on the next call even if it looks unexpired.
    private var currentRejected = false
    /// Granted but not yet saved.
    private var unsaved: GrantedToken?
    private var inFlight: Task<GrantedToken, Error>?

    init(initial: GrantedToken? = nil, fetch: @escaping Fetch, persist: Persist? = nil,
         clock: @escaping @Sendable () -> Date = { Date() }) {
        current = initial
        self.fetch = fetch
        self.persist = persist
        now = clock
    }

    /// A usable access token, granting a new one first if needed.
    func token() async throws -> String {
        if let unsaved { try install(unsaved) }
        if let current, !currentRejected, !current.needsRefresh(at: now()) { return current.accessToken }
        let task = inFlight ?? startGrant()
        do {
            return try await task.value.accessToken
        } catch {
            // An early refresh that failed (Box or the network briefly down) still leaves a valid token to use.
            if let current, !currentRejected, current.expiresAt > now() { return current.accessToken }
            throw error
        }
    }

    /// The API answered 401 for `token`. Reports about tokens already replaced are ignored.
    func reject(_ token: String) {
        if current?.accessToken == token { currentRejected = true }
    }

    private func startGrant() -> Task<GrantedToken, Error> {
        let task = Task { try await self.grant() }
        inFlight = task
        return task
    }

    private func grant() async throws -> GrantedToken {
        defer { inFlight = nil }
        let granted = try await fetch(unsaved ?? current)
        unsaved = granted
        try install(granted)
        return granted
    }

    /// Saves (if this refresher persists) and then makes `token` the one handed out.
    private func install(_ token: GrantedToken) throws {
        try persist?(token)
        current = token
        currentRejected = false
        unsaved = nil
    }
}
