import Foundation

/// Running `boxfs mount` without `-f`: the command re-runs itself in the foreground as a detached child
/// (output to a log file) and returns only when the mount is live, or fails with the end of the child's log.
/// Re-running instead of fork(2) because a Swift process with threads can't safely fork.
enum Daemon {
    private static let childVariable = "BOXFS_DAEMON_CHILD"

    /// True in the child started by ``spawnInBackground(mountpoint:logFile:)``.
    static var isChild: Bool { ProcessInfo.processInfo.environment[childVariable] != nil }

    static func spawnInBackground(mountpoint: String, logFile: URL) throws {
        try FileManager.default.createDirectory(at: logFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        let target = URL(fileURLWithPath: mountpoint).resolvingSymlinksInPath().path
        let mountsBefore = MountTable.count(of: target)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = Array(CommandLine.arguments.dropFirst()) + ["-f"]
        var environment = ProcessInfo.processInfo.environment
        environment[childVariable] = "1"
        process.environment = environment
        if !FileManager.default.fileExists(atPath: logFile.path) {
            _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        }
        let log = try FileHandle(forWritingTo: logFile)
        log.seekToEndOfFile()
        let startOffset = log.offsetInFile
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()

        // Mounted when a new boxfs mount shows up at the mountpoint; failed when the child exits first.
        while process.isRunning {
            if MountTable.count(of: target) > mountsBefore { return }
            usleep(20_000)
        }
        let tail = (try? String(contentsOf: logFile, encoding: .utf8)).map { String($0.utf8.dropFirst(Int(startOffset))) ?? "" } ?? ""
        // The child's last line is its own "Error: mount failed: ..." report; pass it on as it is.
        var lastLine = tail.split(separator: "\n").last.map(String.init) ?? "mount failed: boxfs exited before mounting"
        if lastLine.hasPrefix("Error: ") { lastLine.removeFirst("Error: ".count) }
        throw CLIError.backgroundFailed("\(lastLine) (log: \(logFile.path))")
    }
}

/// Reads /proc/self/mounts.
enum MountTable {
    static func count(of mountpoint: String) -> Int {
        guard let table = try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8) else { return 0 }
        return table.split(separator: "\n").filter { line in
            let fields = line.split(separator: " ")
            return fields.count > 2 && fields[1] == mountpoint && fields[2].hasPrefix("fuse")
        }.count
    }
}
