import ArgumentParser
import BoxEmulator
import Foundation

/// The emulator's command-line options for token issuing: token lifetime and one registered Box app.
struct AuthOptions: ParsableArguments {
    @Option(name: .customLong("token-ttl"), help: "Lifetime of issued access tokens, in seconds.")
    var tokenTTL: Double = 3600

    @Option(name: .customLong("app-client-id"), help: "Client id of a Box app allowed to obtain tokens.")
    var appClientID: String?

    @Option(name: .customLong("app-client-secret"), help: "That app's client secret.")
    var appClientSecret: String?

    @Option(name: .customLong("app-public-key"),
            help: "PEM file with a public key the app signs JWT assertions with (repeatable).")
    var appPublicKeys: [String] = []

    @Option(name: .customLong("app-public-key-id"),
            help: "The id (JWT kid) of each --app-public-key, in the same order.")
    var appPublicKeyIDs: [String] = []

    @Option(name: .customLong("enterprise-id"), help: "The app's enterprise: the subject of enterprise tokens.")
    var enterpriseID: String?

    func validate() throws {
        guard tokenTTL > 0 else { throw ValidationError("--token-ttl must be positive") }
        guard (appClientID == nil) == (appClientSecret == nil) else {
            throw ValidationError("--app-client-id and --app-client-secret go together")
        }
        guard appClientID != nil || (appPublicKeys.isEmpty && enterpriseID == nil) else {
            throw ValidationError("--app-public-key and --enterprise-id need --app-client-id")
        }
        guard appPublicKeys.count == appPublicKeyIDs.count else {
            throw ValidationError("give one --app-public-key-id per --app-public-key")
        }
    }

    func makeConfiguration() throws -> AuthConfiguration {
        var configuration = AuthConfiguration(accessTokenLifetime: tokenTTL)
        guard let appClientID, let appClientSecret else { return configuration }
        var keys: [String: RSAPublicKey] = [:]
        for (path, id) in zip(appPublicKeys, appPublicKeyIDs) {
            let pem: String
            do {
                pem = try String(contentsOfFile: path, encoding: .utf8)
                keys[id] = try RSAPublicKey(pem: pem)
            } catch {
                throw ValidationError("--app-public-key \(path): \(error)")
            }
        }
        configuration.register(RegisteredApp(clientID: appClientID, clientSecret: appClientSecret,
                                             publicKeys: keys, enterpriseID: enterpriseID))
        return configuration
    }
}
