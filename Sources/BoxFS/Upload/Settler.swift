import Cache
import Foundation
import Logging

/// Runs when a file's last queued upload is done: pushes to Box the name, place and mtime the file took here
/// while it was uploading (rsync renames its temporary file and sets its mtime right after closing it), then
/// lets Box's record be the truth again.
///
/// Releasing the local record only once it matches what Box confirmed, under the same lock every local change
/// takes, is what makes a `touch` or `mv` landing between an upload's end and this step impossible to lose.
struct Settler: Sendable {
    let store: MetadataStore
    let client: BoxClient
    let localChanges: LocalChanges
    let writers: OpenWriters
    let notifier: KernelNotifier
    /// Shared with renames, so a settle never compares Box's answer with a local record a rename is changing.
    let metadataLocks: MetadataUpdateLocks
    let logger: Logger

    private enum Step {
        case done
        case push(local: ItemRecord, onBox: ItemRecord)
    }

    /// What one pass did.
    private enum Pass {
        case finished
        case pushed
        case failed(any Error)
    }

    func settle(_ inode: Inode) async {
        var backoff = Duration.milliseconds(500)
        while true {
            switch await metadataLocks.withLock(inode, { await pass(inode) }) {
            case .finished:
                return
            case .pushed:
                backoff = .milliseconds(500)
            case .failed(let error):
                logger.warning("updating inode \(inode) on Box failed, retrying in \(backoff): \(error)")
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(60))
            }
        }
    }

    /// Decides what Box still lacks and sends it, recording the answer; all under the file's metadata lock.
    private func pass(_ inode: Inode) async -> Pass {
        guard case .push(let local, let onBox) = nextStep(inode) else { return .finished }
        do {
            let result = try await client.update(
                onBox.id, kind: .file,
                name: local.name != onBox.name ? local.name : nil,
                parent: local.parentID != onBox.parentID ? local.parentID : nil,
                contentModifiedAt: Self.sameSecond(local.contentModifiedAt, onBox.contentModifiedAt)
                    ? nil : local.contentModifiedAt?.date,
                ifMatch: nil)
            try localChanges.serialized { _ = try localChanges.adopt(result.record(fetchedAt: Date()), in: store) }
            return .pushed
        } catch BoxAPIError.notFound {
            // Gone from Box (deleted elsewhere): nothing left to update; Box's view wins from here.
            logger.notice("\(local.name) vanished from Box before its rename or mtime could be applied")
            localChanges.remove(local.id)
            forgetInKernel(local, inode)
            return .finished
        } catch BoxAPIError.nameConflict {
            // Someone took the name on Box meanwhile. Keeping the local name would show a file Box doesn't
            // have under it; the file stays on Box under its previous name.
            logger.warning("cannot rename \(onBox.name) to \(local.name) on Box: the name is taken there")
            localChanges.remove(local.id)
            forgetInKernel(local, inode)
            return .finished
        } catch {
            return .failed(error)
            }
    }

    /// The local name and attributes were dropped for Box's: the kernel must not keep showing them.
    private func forgetInKernel(_ local: ItemRecord, _ inode: Inode) {
        notifier.attributesChanged(inode)
        if let parent = local.parentID, let parentInode = try? store.inode(for: parent) {
            notifier.nameChanged(local.name, in: parentInode)
        }
    }

    private func nextStep(_ inode: Inode) -> Step {
        localChanges.serialized {
            // A writer open again will close, upload and settle again.
            guard !writers.isOpen(inode), let id = try? store.itemID(for: inode),
                  let local = localChanges.record(for: id) else { return .done }
            guard let onBox = localChanges.confirmed(for: id), !local.isProvisional,
                  local.name != onBox.name || local.parentID != onBox.parentID
                    || !Self.sameSecond(local.contentModifiedAt, onBox.contentModifiedAt)
            else {
                localChanges.remove(id)
                return .done
            }
            return .push(local: local, onBox: onBox)
        }
    }

    /// Box keeps whole seconds; a local time is on Box if Box has it truncated.
    private static func sameSecond(_ local: Timestamp?, _ onBox: Timestamp?) -> Bool {
        guard let local else { return true }
        guard let onBox else { return false }
        return local.seconds == onBox.seconds
    }
}
