import Cache
import Foundation
import Logging

/// Performs one journaled upload and records what Box answered.
///
/// The target is resolved when the upload runs, not when it was queued: a file renamed or moved while its
/// upload waited is uploaded under its new name, a file deleted meanwhile isn't uploaded at all, and a file
/// created through the mount becomes a new Box file whose id replaces the provisional one.
struct Uploader: Sendable {
    let store: MetadataStore
    let client: BoxClient
    let localChanges: LocalChanges
    let notifier: KernelNotifier
    let logger: Logger

    func upload(_ queued: UploadJournalEntry, inode: Inode) async throws {
        // The journal's copy is newer than the queue's when an earlier attempt recorded chunked progress.
        let entry = try store.upload(queued.id) ?? queued
        guard let id = try store.itemID(for: inode), let record = try localChanges.record(for: id) ?? store.item(id) else {
            logger.info("not uploading \(entry.stagingPath): its file was deleted before the upload ran")
            return
        }
        guard let parent = record.parentID else { throw FileSystemError.notFound }
        let mtime = (record.contentModifiedAt ?? Timestamp(nanosecondsSince1970: entry.mtimeNanoseconds)).date
        let started = ContinuousClock.now
        logger.debug("uploading \(record.name) (\(entry.size) bytes) from \(entry.stagingPath)")
        let uploaded: BoxItem
        if record.isProvisional {
            localChanges.setCreating(record.name, in: parent, true)
            defer { localChanges.setCreating(record.name, in: parent, false) }
            uploaded = try await uploadNewFile(record, parent: parent, entry: entry, mtime: mtime)
            try localChanges.serialized {
                try store.rekey(record.id, to: uploaded.id)
                localChanges.rekey(record.id, to: uploaded.id)
            }
        } else {
            localChanges.setCreating(record.name, in: parent, true)  // in case it must be uploaded anew
            defer { localChanges.setCreating(record.name, in: parent, false) }
            switch try await uploadNewVersion(record, parent: parent, entry: entry, mtime: mtime) {
            case .newVersion(let item):
                uploaded = item
            case .recreated(let item):
                uploaded = item
                try localChanges.serialized {
                    try store.rekey(record.id, to: item.id)
                    localChanges.rekey(record.id, to: item.id)
                }
            case .conflictCopy(let copy):
                try await keepBoth(copy, besides: record, parent: parent)
                notifier.contentChanged(inode)  // it shows Box's version now, not what the kernel holds
                return
            }
        }
        try await applyResult(uploaded, inode: inode)
        logger.info("uploaded \(record.name) (\(entry.size) bytes) as \(uploaded.id) version \(uploaded.fileVersionID ?? "?") in \(ContinuousClock.now - started)")
    }

    private func uploadNewFile(_ record: ItemRecord, parent: ItemID, entry: UploadJournalEntry, mtime: Date)
        async throws -> BoxItem
    {
        do {
            return try await client.upload(
                name: record.name, parent: parent, fileAt: entry.stagingPath, size: entry.size, contentModifiedAt: mtime,
                resuming: resumableProgress(of: entry), onProgress: progressRecorder(for: entry))
        } catch BoxAPIError.nameConflict(let existing?, _) where existing.type == "file" {
            // Someone created the same name on Box since we looked: a close() of ours is the newer write, so it
            // becomes the next version of that file (the other content stays in Box's version history).
            logger.notice("\(record.name) appeared on Box meanwhile; uploading ours as its new version")
            return try await client.uploadVersion(
                of: existing.id, fileAt: entry.stagingPath, size: entry.size, contentModifiedAt: mtime, ifMatch: nil)
        }
    }

    /// What became of new content for an existing Box file.
    private enum VersionOutcome {
        /// The file's next version, as intended.
        case newVersion(BoxItem)
        /// The file was deleted on Box meanwhile; the content is a new file of the same name (a new id).
        case recreated(BoxItem)
        /// The file changed on Box meanwhile; the content was saved beside it under a conflict name.
        case conflictCopy(BoxItem)
    }

    private func uploadNewVersion(_ record: ItemRecord, parent: ItemID, entry: UploadJournalEntry, mtime: Date)
        async throws -> VersionOutcome
    {
        let baseETag: String? = if case .newVersion(_, let etag) = entry.target { etag } else { nil }
        do {
            return .newVersion(try await client.uploadVersion(
                of: record.id, fileAt: entry.stagingPath, size: entry.size, contentModifiedAt: mtime, ifMatch: baseETag,
                resuming: resumableProgress(of: entry), onProgress: progressRecorder(for: entry)))
        } catch BoxAPIError.preconditionFailed {
            // The file changed on Box after we opened it: keep both rather than overwrite someone's work.
            let name = ConflictName.make(for: record.name, at: Date())
            logger.warning("\(record.name) changed on Box while it was open here; saving our version as \(name)")
            return .conflictCopy(try await client.upload(
                name: name, parent: parent, fileAt: entry.stagingPath, size: entry.size, contentModifiedAt: mtime))
        } catch BoxAPIError.notFound {
            // Deleted on Box while open here: the data we hold is the only copy, so it comes back as a new file.
            logger.warning("\(record.name) was deleted on Box while open here; uploading it again")
            return .recreated(try await client.upload(
                name: record.name, parent: parent, fileAt: entry.stagingPath, size: entry.size, contentModifiedAt: mtime))
        }
    }

    /// After a conflict the file shows Box's version again and our content appears as the conflict copy.
    private func keepBoth(_ copy: BoxItem, besides record: ItemRecord, parent: ItemID) async throws {
        let theirs = try? await client.file(record.id)
        try localChanges.serialized {
            try store.upsert(copy.record(fetchedAt: Date(), parentOverride: parent))
            localChanges.remove(record.id)
            if let theirs { try store.upsert(theirs.record(fetchedAt: Date()), keepingSubsecondTime: false) }
            else { try store.remove(record.id) }  // gone as well: the copy is all there is
        }
        logger.info("uploaded \(copy.name) (\(copy.size) bytes) as \(copy.id), beside \(record.name)")
    }

    /// A chunked upload's progress as the journal kept it, so a retry or a restart sends only missing parts.
    private func resumableProgress(of entry: UploadJournalEntry) -> ChunkedUploadProgress? {
        guard let json = entry.partsDoneJSON else { return nil }
        return try? JSONDecoder().decode(ChunkedUploadProgress.self, from: Data(json.utf8))
    }

    private func progressRecorder(for entry: UploadJournalEntry) -> BoxClient.ChunkedUploadProgressHandler {
        { [store, logger] progress in
            do {
                guard var current = try store.upload(entry.id) else { return }
                current.session = ChunkedUploadSession(id: progress.sessionID, endpointsJSON: "{}")
                current.partsDoneJSON = String(decoding: try JSONEncoder().encode(progress), as: UTF8.self)
                current.state = .uploading
                try store.updateUpload(current)
            } catch {
                logger.warning("could not journal chunked upload progress of \(entry.stagingPath): \(error)")
            }
        }
    }

    /// Records Box's answer. The local record keeps the name, place, size and mtime the mount shows (a rename,
    /// `touch` or newer close made while the upload ran is newer than Box's answer); Box's identity (etag,
    /// version, hash) is taken. The settle step pushes what Box still lacks once the file's uploads are done.
    private func applyResult(_ uploaded: BoxItem, inode: Inode) async throws {
        guard let current = try localChanges.record(for: uploaded.id) ?? store.item(uploaded.id) else {
            logger.info("\(uploaded.name) was deleted here while uploading; deleting it on Box")
            try await client.delete(uploaded.id, kind: .file, ifMatch: nil)
            return
        }
        try localChanges.serialized {
            if try !localChanges.adopt(uploaded.record(fetchedAt: Date()), in: store) {
                try store.upsert(uploaded.record(fetchedAt: Date(), parentOverride: current.parentID))
            }
        }
    }
}

/// Names for the copy kept when both sides changed a file.
enum ConflictName {
    static func make(for name: String, at date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HHmmss"
        let stamp = formatter.string(from: date)
        let ext = (name as NSString).pathExtension
        let base = ext.isEmpty ? name : String(name.dropLast(ext.count + 1))
        return ext.isEmpty ? "\(base) (conflict \(stamp))" : "\(base) (conflict \(stamp)).\(ext)"
    }
}
