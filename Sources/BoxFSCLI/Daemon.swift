import Foundation

/// Running `boxfs mount` without `-f`: the command re-runs itself in the foreground as a detached child
/// (a new session, output to a log file) and returns only when that child has mounted, or exits with the
/// child's error. Re-running instead of fork(2) because a Swift process with threads can't safely fork.
enum Daemon {
    private static let readyVariable = "BOXFS_READY_FD"

    /// True in the child started by ``spawnInBackground(logFile:)``.
    static var isChild: Bool { ProcessInfo.processInfo.environment[readyVariable] != nil }

    static func spawnInBackground(logFile: URL) throws {
        try FileManager.default.createDirectory(at: logFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw CLIError.mountFailed("pipe: \(String(cString: strerror(errno)))") }
        let (readEnd, writeEnd) = (fds[0], fds[1])

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = Array(CommandLine.arguments.dropFirst()) + ["-f"]
        var environment = ProcessInfo.processInfo.environment
        environment[readyVariable] = String(writeEnd)
        process.environment = environment
        FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        close(writeEnd)

        // The child writes "ok" once mounted, or its error; EOF without either means it died.
        var answer = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(readEnd, &buffer, buffer.count)
            if count <= 0 { break }
            answer.append(contentsOf: buffer[0..<count])
        }
        close(readEnd)
        let message = String(decoding: answer, as: UTF8.self)
        if message == "ok" { return }
        throw CLIError.mountFailed(message.isEmpty ? "boxfs exited before mounting; see \(logFile.path)" : message)
    }

    static func reportMounted() { report("ok") }

    static func reportFailure(_ message: String) { report(message) }

    private static func report(_ message: String) {
        guard let value = ProcessInfo.processInfo.environment[readyVariable], let fd = Int32(value) else { return }
        _ = message.withCString { write(fd, $0, strlen($0)) }
        close(fd)
        // The child leaves its parent's session so the mount outlives the shell that ran mount(8).
        _ = setsid()
    }
}
