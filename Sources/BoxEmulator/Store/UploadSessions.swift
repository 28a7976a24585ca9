import Foundation

/// Open chunked upload sessions; parts are kept on disk at `<data>/upload_sessions/<session>/<offset>`.
///
/// Own lock (sessions are independent of the item tree until commit); part bytes are written before the
/// part is registered, so a registered part is always complete on disk.
final class UploadSessions: @unchecked Sendable {
    private let directory: URL
    private let lock = NSLock()
    private var sessions: [String: UploadSession] = [:]

    init(directory: URL) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func create(user: UserID, target: UploadSession.Target, fileSize: Int64, lifetime: TimeInterval) throws -> UploadSession {
        let id = (0..<4).map { _ in String(format: "%08X", UInt32.random(in: 0...UInt32.max)) }.joined()
        let session = UploadSession(
            id: id, user: user, target: target, fileSize: fileSize, partSize: UploadSession.partSize(forFileSize: fileSize),
            expiresAt: Date().addingTimeInterval(lifetime))
        try FileManager.default.createDirectory(at: sessionDirectory(id), withIntermediateDirectories: true)
        lock.withLock { sessions[id] = session }
        return session
    }

    /// The session `id` of `user`: 404 unknown, 403 someone else's, 410 expired.
    func session(_ id: String, user: UserID, now: Date = Date()) throws -> UploadSession {
        guard let session = lock.withLock({ sessions[id] }) else {
            throw BoxError(.notFound, "not_found", "Upload session not found")
        }
        guard session.user == user else { throw BoxError.forbidden("forbidden", "Only the session's creator may use it") }
        guard session.expiresAt > now else { throw BoxError(.gone, "session_expired", "The upload session has expired") }
        return session
    }

    /// A fresh file for the bytes of a part at `offset` (unique, so concurrent retries of a part don't collide).
    func newPartURL(session id: String, offset: Int64) -> URL {
        sessionDirectory(id).appendingPathComponent("\(offset).\(UUID().uuidString)")
    }

    /// Registers a part whose bytes are complete at `part.file`; parts are immutable
    /// (416 range_overlaps_existing_part).
    func addPart(_ part: UploadSession.Part, to id: String) throws {
        try lock.withLock {
            guard sessions[id] != nil else { throw BoxError(.notFound, "not_found", "Upload session not found") }
            if sessions[id]?.parts[part.offset] != nil {
                try? FileManager.default.removeItem(at: part.file)
                throw BoxError(.rangeNotSatisfiable, "range_overlaps_existing_part", "Part overlaps with an existing part")
            }
            sessions[id]?.parts[part.offset] = part
        }
    }

    func markCommitted(_ id: String, file: ItemID) {
        lock.withLock { sessions[id]?.committedFile = file }
        try? FileManager.default.removeItem(at: sessionDirectory(id))
    }

    func abort(_ id: String) {
        _ = lock.withLock { sessions.removeValue(forKey: id) }
        try? FileManager.default.removeItem(at: sessionDirectory(id))
    }

    private func sessionDirectory(_ id: String) -> URL {
        directory.appendingPathComponent(id, isDirectory: true)
    }
}
