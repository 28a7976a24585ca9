import AsyncHTTPClient
@testable import BoxEmulator
@testable import BoxFS
import Foundation
import Logging
import XCTest

/// An in-process emulator with one registered app (client credentials and a fresh RSA key pair), plus the files a
/// boxfs auth configuration points at, in a private temporary directory.
final class AuthEmulatorHarness {
    static let clientID = "boxfs-test-app"
    static let clientSecret = "app-secret-\(UUID().uuidString)"
    static let publicKeyID = "key-1"
    static let passphrase = "pass-\(UUID().uuidString)"

    let directory: URL
    let emulator: EmulatorServer
    /// Everything boxfs logs during the test, at trace level, to check that no secret appears in it.
    let logs = AuthLogCapture()
    var logger: Logger {
        var logger = Logger(label: "auth-tests") { [logs] _ in logs }
        logger.logLevel = .trace
        return logger
    }
    /// Secrets the test handled (tokens handed out, refresh tokens): none may appear in the logs.
    private let secrets = AuthLogCapture()
    var http: HTTPClient { .shared }
    var tokenURL: URL { URL(string: emulator.tokenURL)! }

    /// Starts an emulator whose access tokens live `tokenLifetime` seconds.
    static func start(tokenLifetime: TimeInterval = 3600) async throws -> AuthEmulatorHarness {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("boxfs-auth-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let keys = try AuthTestKeys.shared()
        var configuration = EmulatorConfiguration(dataDirectory: directory.appendingPathComponent("emulator"))
        configuration.conformanceSchemaFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("schema/box-api-schema.json")
        configuration.auth = AuthConfiguration(accessTokenLifetime: tokenLifetime, apps: [
            RegisteredApp(clientID: clientID, clientSecret: clientSecret,
                          publicKeys: [publicKeyID: try RSAPublicKey(pem: keys.publicKeyPEM)],
                          enterpriseID: EmulatorUsers.enterpriseID),
        ])
        let emulator = try await EmulatorServer.start(configuration, logger: Logger(label: "emulator"))
        return AuthEmulatorHarness(directory: directory, emulator: emulator)
    }

    private init(directory: URL, emulator: EmulatorServer) {
        self.directory = directory
        self.emulator = emulator
    }

    /// Stops the emulator, failing the test if any response it gave broke Box's spec.
    func shutdown(file: StaticString = #filePath, line: UInt = #line) async throws {
        let violations = emulator.services.conformance.violations
        XCTAssertTrue(violations.isEmpty, "\(violations)", file: file, line: line)
        let logged = logs.lines.joined(separator: "\n")
        XCTAssertFalse(logged.isEmpty, "boxfs logged nothing at trace level, so the secret check below proves nothing",
                       file: file, line: line)
        let keyBody = try AuthTestKeys.shared().encryptedPrivateKeyPEM.split(separator: "\n")[1]
        for secret in secrets.lines + [Self.clientSecret, Self.passphrase, String(keyBody)] {
            XCTAssertFalse(logged.contains(secret), "a secret was logged", file: file, line: line)
        }
        try await emulator.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Writes `contents` to a file in the harness directory with `mode`.
    @discardableResult
    func writeFile(_ name: String, _ contents: String, mode: Int = 0o600) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try Data(contents.utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
        return url
    }

    /// Box's app config JSON for the registered app, with the encrypted key.
    func jwtConfigJSON(enterpriseID: String = EmulatorUsers.enterpriseID, passphrase: String = passphrase) throws -> String {
        let object: [String: Any] = [
            "boxAppSettings": [
                "clientID": Self.clientID, "clientSecret": Self.clientSecret,
                "appAuth": ["publicKeyID": Self.publicKeyID, "privateKey": try AuthTestKeys.shared().encryptedPrivateKeyPEM,
                            "passphrase": passphrase],
            ],
            "enterpriseID": enterpriseID,
        ]
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    /// A configuration for this emulator with `lines` (`key = value`) applied and validated.
    func configuration(_ lines: String) throws -> BoxFSConfiguration {
        var configuration = BoxFSConfiguration()
        let text = "api_url = \(emulator.apiURL)\nupload_url = \(emulator.uploadURL)\ntoken_url = \(emulator.tokenURL)\n"
            + lines
        try configuration.apply(try ConfigFile.parse(text, source: "test.conf"), source: "test.conf")
        try configuration.validate(source: "test.conf")
        return configuration
    }

    /// The provider the factory makes for `lines`; every token it hands out is remembered as a secret.
    func provider(_ lines: String) throws -> any AccessTokenProvider {
        let provider = try AuthProviderFactory.make(configuration: try configuration(lines), httpClient: http, logger: logger)
        return SecretNotingProvider(inner: provider, secrets: secrets)
    }

    /// Remembers a secret the logs must not contain.
    func noteSecret(_ secret: String) { secrets.append(secret) }

    /// The user a token acts for, asked of the API (`GET /users/me`) through the real client.
    func user(for provider: any AccessTokenProvider, asUser: String? = nil) async throws -> String {
        var configuration = BoxClientConfiguration(apiURL: emulator.apiURL, uploadURL: emulator.uploadURL)
        configuration.asUser = asUser
        configuration.maxRetries = 0
        let client = BoxClient(configuration: configuration, tokens: provider, logger: logger)
        do {
            let user = try await client.currentUser()
            try await client.shutdown()
            return user.id
        } catch {
            try await client.shutdown()
            throw error
        }
    }

    /// Does the authorization-code exchange as a browser login would, returning Box's token JSON.
    func login(as user: UserID) async throws -> (access: String, refresh: String) {
        let code = try emulator.authority.issueAuthorizationCode(for: user, clientID: Self.clientID)
        let answer = try await postToken(["grant_type": "authorization_code", "code": code])
        for key in ["access_token", "refresh_token"] { (answer.json[key] as? String).map(noteSecret) }
        return (try XCTUnwrap(answer.json["access_token"] as? String), try XCTUnwrap(answer.json["refresh_token"] as? String))
    }

    /// A raw token-endpoint call with the app's client credentials added.
    func postToken(_ form: [String: String]) async throws -> (status: Int, json: [String: Any]) {
        var fields = form
        fields["client_id"] = Self.clientID
        fields["client_secret"] = Self.clientSecret
        var request = HTTPClientRequest(url: emulator.tokenURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(.init(string: FormEncoding.encode(fields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })))
        let response = try await http.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        let json = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]) ?? [:]
        return (Int(response.status.code), json)
    }
}

/// Collects log lines (message and metadata) or secrets, from any thread.
final class AuthLogCapture: LogHandler, @unchecked Sendable {
    // @unchecked: `collected` is only touched under `lock`; the LogHandler value properties are set before use.
    private let lock = NSLock()
    private var collected: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    var lines: [String] { lock.withLock { collected } }

    func append(_ line: String) { lock.withLock { collected.append(line) } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
             file: String, function: String, line: UInt) {
        append("\(level) \(message) \(self.metadata.merging(metadata ?? [:]) { $1 })")
    }
}

/// Passes calls through, noting each token handed out as a secret.
struct SecretNotingProvider: AccessTokenProvider {
    let inner: any AccessTokenProvider
    let secrets: AuthLogCapture

    func accessToken() async throws -> String {
        let token = try await inner.accessToken()
        secrets.append(token)
        return token
    }

    func tokenRejected(_ token: String) async { await inner.tokenRejected(token) }
}

/// One RSA key pair per test run, made with the `openssl` command: the private key as Box's console issues it
/// (encrypted PKCS#8), the public key as registered with the app.
struct AuthTestKeys: Sendable {
    let encryptedPrivateKeyPEM: String
    let publicKeyPEM: String

    private static let made = Result { try AuthTestKeys.generate() }

    static func shared() throws -> AuthTestKeys { try made.get() }

    private static func generate() throws -> AuthTestKeys {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("boxfs-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let privatePath = directory.appendingPathComponent("private.pem").path
        try openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-aes-256-cbc",
                     "-pass", "pass:\(AuthEmulatorHarness.passphrase)", "-out", privatePath])
        let publicPEM = try openssl(["pkey", "-in", privatePath, "-passin", "pass:\(AuthEmulatorHarness.passphrase)",
                                     "-pubout"])
        return AuthTestKeys(encryptedPrivateKeyPEM: try String(contentsOfFile: privatePath, encoding: .utf8),
                            publicKeyPEM: publicPEM)
    }

    @discardableResult
    static func openssl(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "openssl", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "openssl \(arguments.first ?? "") failed"])
        }
        return String(decoding: data, as: UTF8.self)
    }
}
