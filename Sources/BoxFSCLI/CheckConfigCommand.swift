import ArgumentParser
import BoxFS
import Foundation

struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a configuration file (and -o options) without mounting or calling Box."
    )

    @Argument(help: "The configuration file.")
    var file: String

    @Option(name: .customShort("o"), help: "Mount options, as `boxfs mount` would apply them over the file.")
    var options: [String] = []

    func run() throws {
        let arguments = MountArguments.parse(options)
        var configuration = BoxFSConfiguration()
        do {
            try configuration.apply(try ConfigFile.load(URL(fileURLWithPath: file)), source: file)
            try configuration.apply(arguments.configEntries, source: "-o")
            try configuration.validate(source: file)
            _ = try MountOptions(parsing: arguments.kernelOptions)
        } catch let error as ConfigError {
            throw CLIError.configuration(error)
        } catch let error as MountOptionsError {
            throw CLIError.mountOptions(error)
        }
        print("\(file): ok")
    }
}
