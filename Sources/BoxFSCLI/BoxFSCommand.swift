import ArgumentParser

@main
struct BoxFSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "boxfs",
        abstract: "Mount a Box account as a directory.",
        discussion: """
        mount(8) and fstab call boxfs as `boxfs SOURCE MOUNTPOINT -o config=FILE,...` (type fuse.boxfs); \
        that form is the same as `boxfs mount MOUNTPOINT --config FILE -o ...`.
        """,
        subcommands: [MountCommand.self, StatusCommand.self, UnmountCommand.self, CheckConfigCommand.self, AuthCommand.self]
    )

    /// Rewrites the mount(8) helper form `boxfs SOURCE MOUNTPOINT [-o opts] ...` into `boxfs mount ...`.
    static func normalizedArguments(_ arguments: [String]) -> [String] {
        let subcommands = Set(configuration.subcommands.map { $0._commandName } + ["help"])
        guard let first = arguments.first, !first.hasPrefix("-"), !subcommands.contains(first),
              arguments.count >= 2, !arguments[1].hasPrefix("-")
        else { return arguments }
        return ["mount", arguments[1], "--source", first] + arguments.dropFirst(2)
    }

    static func main() async {
        let arguments = normalizedArguments(Array(CommandLine.arguments.dropFirst()))
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
