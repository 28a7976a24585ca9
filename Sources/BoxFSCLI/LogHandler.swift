import Foundation
import Logging

/// Writes log lines to stderr: `2026-11-23T10:00:00.123Z info boxfs.fs: message key=value`.
/// Under systemd (JOURNAL_STREAM is set) the timestamp is dropped and each line starts with the sd-daemon
/// priority prefix (`<6>`), so journald records the level and adds its own time.
struct BoxFSLogHandler: LogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    let label: String
    let journald: Bool

    init(label: String, level: Logger.Level, journald: Bool) {
        self.label = label
        self.logLevel = level
        self.journald = journald
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let level = event.level, message = event.message
        var merged = metadata
        if let explicit = event.metadata { merged.merge(explicit) { $1 } }
        if let error = event.error { merged["error"] = "\(error)" }
        let fields = merged.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        let text: String
        if journald {
            text = "<\(Self.priority(level))>\(label): \(message)\(fields)\n"
        } else {
            text = "\(Self.timestamp()) \(level) \(label): \(message)\(fields)\n"
        }
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// syslog priorities, as sd-daemon(3) prefixes expect them.
    private static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    private static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = time_t(now.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1,
                      parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec, Int(now.tv_nsec / 1_000_000))
    }

    /// Installs the handler for the whole process; called once, first thing, by the CLI.
    static func bootstrap(level: Logger.Level) {
        let journald = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] != nil
        LoggingSystem.bootstrap { BoxFSLogHandler(label: $0, level: level, journald: journald) }
    }
}
