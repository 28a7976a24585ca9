import ArgumentParser
import AsyncHTTPClient
import BoxFS
import Foundation
import Logging

/// `boxfs auth check`: what the configured credentials can do, one line per finding.
struct AuthCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Say who the credentials act as, the enterprise, and whether the mount root can be listed and written."
    )

    @Option(name: .long, help: "The configuration file, as for boxfs mount.")
    var config: String

    func run() async throws {
        let configuration = try AuthCommand.loadConfiguration(config)
        BoxFSLogHandler.bootstrap(level: configuration.logLevel.loggerLevel)
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let findings = await CredentialCheck(configuration: configuration, http: http, logger: Logger(label: "boxfs.auth")).run()
        try? await http.shutdown()
        for finding in findings {
            print((finding.passed ? "ok    " : "FAIL  ") + finding.text)
        }
        if findings.contains(where: { !$0.passed }) { throw ExitCode(1) }
    }
}
