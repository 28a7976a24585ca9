extension BoxClient {
    /// The acting user (`GET /users/me`): quota, usage and upload size limit for `statfs` and `EFBIG`.
    public func currentUser() async throws -> BoxUser {
        let request = apiRequest(
            .GET, "/users/me", query: [("fields", "id,name,login,space_amount,space_used,max_upload_size")],
            kind: .user)
        return try await sendJSON(request)
    }
}
