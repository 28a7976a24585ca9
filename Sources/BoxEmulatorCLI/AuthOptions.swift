import ArgumentParser
import BoxEmulator

/// The emulator's command-line options for token issuing (owned by the auth engineer).
struct AuthOptions: ParsableArguments {
    @Option(name: .customLong("token-ttl"), help: "Lifetime of issued access tokens, in seconds.")
    var tokenTTL: Double = 3600

    func makeConfiguration() throws -> AuthConfiguration {
        AuthConfiguration(accessTokenLifetime: tokenTTL)
    }
}
