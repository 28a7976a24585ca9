import ArgumentParser
import BoxFS
import Foundation
import Logging

struct MountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mount",
        abstract: "Mount Box at MOUNTPOINT."
    )

    @Argument(help: "Where to mount.")
    var mountpoint: String

    @Option(name: .long, help: "The configuration file (see mount.conf.example).")
    var config: String?

    @Option(name: .customShort("o"), help: "Mount options: kernel options (ro, allow_other, uid=, gid=, umask=) and any configuration key (cache_size=20G); config=FILE names the configuration file.")
    var options: [String] = []

    @Flag(name: .customShort("f"), help: "Stay in the foreground (as under systemd); otherwise boxfs returns once mounted.")
    var foreground = false

    @Option(name: .long, help: .hidden)
    var source: String?

    func run() async throws {
        let arguments = MountArguments.parse(options)
        let configPath = config ?? arguments.configFile
        var configuration = BoxFSConfiguration()
        var mountOptions: MountOptions
        do {
            if let configPath {
                try configuration.apply(try ConfigFile.load(URL(fileURLWithPath: configPath)), source: configPath)
            }
            try configuration.apply(arguments.configEntries, source: "-o")
            try configuration.validate(source: configPath ?? "boxfs")
            mountOptions = try MountOptions(parsing: arguments.kernelOptions)
            // mount(8)'s SOURCE (the fstab's first field) is what df and /proc/mounts show, unless fsname= says otherwise.
            if let source, !arguments.kernelOptions.contains(where: { $0.hasPrefix("fsname=") }) {
                mountOptions.fsName = source
            }
        } catch let error as ConfigError {
            throw CLIError.configuration(error)
        } catch let error as MountOptionsError {
            throw CLIError.mountOptions(error)
        }

        if !foreground, !Daemon.isChild {
            // mount(8) and fstab expect the helper to return once the filesystem is mounted.
            let logFile = configuration.resolvedCacheDirectory(mountpoint: mountpoint).appendingPathComponent("boxfs.log")
            try Daemon.spawnInBackground(mountpoint: mountpoint, logFile: logFile)
            return
        }

        BoxFSLogHandler.bootstrap(level: configuration.logLevel.loggerLevel)
        if Daemon.isChild { _ = setsid() }  // outlive the shell that ran mount(8)
        let logger = Logger(label: "boxfs")
        do {
            try await BoxFSMount(configuration: configuration, mountpoint: mountpoint, options: mountOptions, logger: logger)
                .run(onMounted: { SystemdNotify.readyWhenAnswering(mountpoint) }, onStopping: { SystemdNotify.stopping() })
        } catch {
            logger.critical("\(error)")
            throw CLIError.mountFailed("\(error)")
        }
    }
}

extension BoxFSConfiguration.LogLevelName {
    var loggerLevel: Logger.Level {
        switch self {
        case .trace: .trace
        case .debug: .debug
        case .info: .info
        case .notice: .notice
        case .warning: .warning
        case .error: .error
        case .critical: .critical
        }
    }
}

/// Failures the CLI reports as one line on stderr.
enum CLIError: Error, CustomStringConvertible {
    case configuration(ConfigError)
    case mountOptions(MountOptionsError)
    case mountFailed(String)
    /// The background child's own report, already phrased.
    case backgroundFailed(String)
    case notMounted(String)

    var description: String {
        switch self {
        case .configuration(let error): "\(error)"
        case .mountOptions(let error): "\(error)"
        case .mountFailed(let message): "mount failed: \(message)"
        case .backgroundFailed(let report): report
        case .notMounted(let path): "\(path) is not mounted"
        }
    }
}
