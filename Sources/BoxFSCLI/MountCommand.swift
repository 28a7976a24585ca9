import ArgumentParser
import BoxFS
import Foundation

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

    @Flag(name: .customShort("f"), help: "Stay in the foreground.")
    var foreground = false

    @Option(name: .long, help: .hidden)
    var source: String?

    func run() async throws {
        let arguments = MountArguments.parse(options)
        let configPath = config ?? arguments.configFile
        var configuration = BoxFSConfiguration()
        do {
            if let configPath {
                try configuration.apply(try ConfigFile.load(URL(fileURLWithPath: configPath)), source: configPath)
            }
            try configuration.apply(arguments.configEntries, source: "-o")
            try configuration.validate(source: configPath ?? "boxfs")
        } catch let error as ConfigError {
            throw CLIError.configuration(error)
        }
        _ = (mountpoint, foreground, source)
    }
}

/// Failures the CLI reports as one line on stderr with a distinct exit code.
enum CLIError: Error, CustomStringConvertible {
    case configuration(ConfigError)

    var description: String {
        switch self {
        case .configuration(let error): "boxfs: \(error)"
        }
    }
}
