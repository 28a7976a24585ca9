import ArgumentParser
import BoxFS
import Foundation

/// `boxfs auth`: setting up and checking the credentials a mount uses.
struct AuthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auth",
        abstract: "Sign in to Box (OAuth 2.0) and check credentials.",
        subcommands: [AuthLoginCommand.self, AuthCheckCommand.self]
    )

    /// The configuration file as `boxfs mount` reads it (same keys, same validation).
    static func loadConfiguration(_ path: String) throws -> BoxFSConfiguration {
        var configuration = BoxFSConfiguration()
        do {
            try configuration.apply(try ConfigFile.load(URL(fileURLWithPath: path)), source: path)
            try configuration.validate(source: path)
        } catch let error as ConfigError {
            throw CLIError.configuration(error)
        }
        return configuration
    }
}

/// An auth command's failure, reported as one line.
struct AuthCommandFailure: Error, CustomStringConvertible {
    var description: String
}
