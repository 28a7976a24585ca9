import ArgumentParser
import BoxFS
import Foundation

struct UnmountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unmount",
        abstract: "Wait for pending uploads, then unmount.",
        discussion: """
        Without --force, boxfs unmount waits (showing progress) until every upload written through the mount is \
        on Box, unmounts, and waits for the daemon to exit. With --force it unmounts at once and returns: the \
        daemon goes on uploading for up to unmount_upload_wait, and what is left then stays journaled in the \
        cache directory and resumes at the next mount.
        """
    )

    @Argument(help: "The mountpoint.")
    var mountpoint: String

    @Flag(help: "Unmount without waiting for pending uploads.")
    var force = false

    func run() throws {
        let path = URL(fileURLWithPath: mountpoint).standardizedFileURL.path
        guard MountTable.count(of: path) > 0 else { throw CLIError.notMounted(path) }
        let daemon = StatusFile.read(mountpoint: path)
        if !force, daemon != nil { waitForUploads(path) }

        let fusermount = Process()
        fusermount.executableURL = URL(fileURLWithPath: "/usr/bin/fusermount3")
        fusermount.arguments = ["-u", path]
        try fusermount.run()
        fusermount.waitUntilExit()
        guard fusermount.terminationStatus == 0 else { throw ExitCode(fusermount.terminationStatus) }

        // The daemon drains what was queued meanwhile and exits; wait for it unless told not to.
        if !force, let pid = daemon?.pid {
            while StatusFile.isAlive(pid) { usleep(100_000) }
        }
    }

    /// Prints a progress line (rewritten in place on a terminal, else one per change) until the mount has no
    /// pending uploads.
    private func waitForUploads(_ path: String) {
        let terminal = isatty(STDERR_FILENO) == 1
        var last: String?
        while let status = StatusFile.read(mountpoint: path), !status.uploads.isEmpty {
            let line = "waiting for uploads: \(StatusCommand.uploadSummary(status.uploads))"
            if line != last {
                FileHandle.standardError.write(Data((terminal ? "\r\u{1B}[K\(line)" : line + "\n").utf8))
                last = line
            }
            usleep(500_000)
        }
        if last != nil { FileHandle.standardError.write(Data((terminal ? "\r\u{1B}[Kuploads done\n" : "uploads done\n").utf8)) }
    }
}
