import ArgumentParser
import AsyncHTTPClient
import BoxFS
import Foundation
import Logging

/// `boxfs auth login`: Box's OAuth 2.0 authorization-code flow, ending with the token pair in `refresh_token_file`.
struct AuthLoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Sign in to Box in a browser and save the tokens where refresh_token_file says (auth = oauth).",
        discussion: """
        Prints the URL to open. The browser comes back to --redirect-uri, where boxfs listens on 127.0.0.1; \
        the URI must be one of the app's redirect URIs (Developer Console > Configuration). On a server \
        without a browser, open the URL anywhere and paste the address the browser ends up on.
        """
    )

    @Option(name: .long, help: "The configuration file (auth = oauth, client_id, client_secret(_file), refresh_token_file).")
    var config: String

    @Option(name: .customLong("redirect-uri"), help: "The app's redirect URI; boxfs listens on its 127.0.0.1 port.")
    var redirectURI = "http://127.0.0.1:53682/boxfs/callback"

    @Option(name: .customLong("authorize-url"), help: "Box's authorize page (default: Box's own, or token_url's host for an emulator).")
    var authorizeURL: String?

    @Flag(name: .customLong("no-listen"), help: "Don't listen for the redirect; only read the pasted address.")
    var noListen = false

    func run() async throws {
        let configuration = try AuthCommand.loadConfiguration(config)
        BoxFSLogHandler.bootstrap(level: configuration.logLevel.loggerLevel)
        guard configuration.auth.method == .oauth else {
            throw AuthCommandFailure(description: "\(config): auth login signs in for auth = oauth; this file has "
                + "auth = \(configuration.auth.method.rawValue), which needs no login")
        }
        guard let redirect = URL(string: redirectURI), redirect.scheme != nil else {
            throw AuthCommandFailure(description: "--redirect-uri \(redirectURI) is not a URL")
        }
        let login: AuthorizationCodeLogin
        do {
            login = try AuthorizationCodeLogin(configuration: configuration, authorizeURL: authorizeURL.flatMap(URL.init(string:)),
                                               redirectURI: redirect)
        } catch {
            throw AuthCommandFailure(description: "\(config): \(error)")
        }
        print("Open this URL in a browser, sign in to Box and grant access:\n\n  \(login.userAuthorizationURL.absoluteString)\n")
        var receiver: LoopbackRedirectReceiver?
        if !noListen {
            do {
                receiver = try LoopbackRedirectReceiver(redirectURI: redirect)
                print("Waiting for the browser to return to \(redirect.absoluteString) ...")
            } catch {
                print("Not listening for the redirect: \(error)")
            }
        }
        print("No browser here? Open the URL anywhere, then paste the address the browser ends up on and press Enter:")
        fflush(stdout)

        let code = try await firstCode(receiver: receiver, state: login.state)
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await login.exchange(code: code, http: http, logger: Logger(label: "boxfs.auth"))
        } catch {
            try? await http.shutdown()
            throw AuthCommandFailure(description: "\(error)")
        }
        try await http.shutdown()
        print("Signed in. Tokens saved to \(login.tokenFile.path) (mode 0600); `boxfs auth check --config \(config)` tests them.")
    }

    /// The code from whichever comes first: the browser's redirect or a pasted address.
    private func firstCode(receiver: LoopbackRedirectReceiver?, state: String) async throws -> String {
        enum Arrival { case code(String), failed(Error), pasteEnded }
        let (arrivals, continuation) = AsyncStream<Arrival>.makeStream()
        if let receiver {
            Task {
                do {
                    continuation.yield(.code(try AuthorizationResponse.code(fromQuery: try await receiver.receive(), expectedState: state)))
                } catch {
                    continuation.yield(.failed(error))
                }
            }
        }
        // readLine blocks, so it gets a thread of its own; it is abandoned when the redirect wins.
        Thread.detachNewThread {
            while let line = readLine() {
                guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                do {
                    continuation.yield(.code(try AuthorizationResponse.code(fromPasted: line, expectedState: state)))
                    return
                } catch {
                    continuation.yield(.failed(error))
                    return
                }
            }
            continuation.yield(.pasteEnded)
        }
        defer { receiver?.stop() }
        for await arrival in arrivals {
            switch arrival {
            case let .code(code): return code
            case let .failed(error): throw AuthCommandFailure(description: "\(error)")
            case .pasteEnded where receiver == nil:
                throw AuthCommandFailure(description: "no address was pasted (stdin ended) and nothing listens for the redirect")
            case .pasteEnded: continue
            }
        }
        throw AuthCommandFailure(description: "login abandoned")
    }
}
