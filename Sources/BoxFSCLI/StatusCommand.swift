import ArgumentParser
import BoxFS
import Foundation

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a mount's connection, pending uploads, cache use and recent API calls."
    )

    @Argument(help: "The mountpoint (default: every boxfs mount).")
    var mountpoint: String?

    @Flag(help: "Print the daemon's status JSON as it is.")
    var json = false

    func run() throws {
        let mountpoints = mountpoint.map { [URL(fileURLWithPath: $0).standardizedFileURL.path] } ?? MountTable.boxfsMountpoints()
        if mountpoints.isEmpty {
            print("no boxfs mounts")
            return
        }
        var missing = false
        for mountpoint in mountpoints {
            guard let status = StatusFile.read(mountpoint: mountpoint) else {
                let mounted = MountTable.count(of: mountpoint) > 0
                print("\(mountpoint): \(mounted ? "mounted, but no boxfs daemon publishes its status" : "not mounted")")
                missing = true
                continue
            }
            if json {
                let encoder = JSONEncoder()
                encoder.dateEncodingStrategy = .iso8601
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(status), as: UTF8.self))
            } else {
                print(Self.describe(status), terminator: "")
            }
        }
        if missing { throw ExitCode(1) }
    }

    static func describe(_ status: MountStatus) -> String {
        var text = "\(status.mountpoint): \(status.connection.rawValue) (\(status.apiURL), pid \(status.pid))\n"
        let age = Date().timeIntervalSince(status.updatedAt)
        if age > 10 { text += "  status is \(Int(age)) s old: the daemon is not updating it\n" }
        text += "  uploads: \(uploadSummary(status.uploads))\n"
        for upload in status.uploads {
            var line = "    \(upload.name): \(ByteCount.format(upload.bytesDone)) of \(ByteCount.format(upload.size)), \(upload.state)"
            if upload.attempts > 0 { line += ", \(upload.attempts) failed attempt(s)" }
            if let error = upload.lastError { line += ": \(error)" }
            text += line + "\n"
        }
        text += "  cache: \(ByteCount.format(status.cache.bytes)) of \(ByteCount.format(status.cache.capacity)) (\(status.cache.blocks) blocks) in \(status.cacheDirectory)\n"
        let minute = status.lastMinute
        text += "  last minute: \(minute.calls) API calls, \(minute.retries) retries, \(minute.rateLimited) rate-limited, \(minute.transportErrors) connection failures\n"
        return text
    }

    /// "none", or "2 pending, 12.0 MiB of 40.0 MiB sent".
    static func uploadSummary(_ uploads: [MountStatus.PendingUpload]) -> String {
        guard !uploads.isEmpty else { return "none pending" }
        let done = uploads.reduce(Int64(0)) { $0 + $1.bytesDone }
        let total = uploads.reduce(Int64(0)) { $0 + $1.size }
        return "\(uploads.count) pending, \(ByteCount.format(done)) of \(ByteCount.format(total)) sent"
    }
}
