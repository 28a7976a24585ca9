@testable import BoxFS
import Foundation
import XCTest

/// Auth keys: validation gives one line naming what to fix; bad secret files are refused before any network call.
final class AuthConfigTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("boxfs-authconf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func configure(_ text: String) throws -> BoxFSConfiguration {
        var config = BoxFSConfiguration()
        try config.apply(try ConfigFile.parse(text, source: "box.conf"), source: "box.conf")
        try config.validate(source: "box.conf")
        return config
    }

    private func assertConfigError(_ text: String, _ expected: String, line: UInt = #line) {
        XCTAssertThrowsError(try configure(text), line: line) { XCTAssertEqual("\($0)", expected, line: line) }
    }

    private func file(_ name: String, _ contents: String, mode: Int = 0o600) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(contents.utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
        return url.path
    }

    private func assertFactoryError(_ text: String, _ expected: String, line: UInt = #line) throws {
        let config = try configure(text)
        XCTAssertThrowsError(try AuthProviderFactory.make(configuration: config, httpClient: .shared,
                                                          logger: .init(label: "test")), line: line) {
            XCTAssertEqual("\($0)", expected, line: line)
        }
    }

    func testKeysAreReadIntoTheSettings() throws {
        let config = try configure("""
        auth = CCG
        client_id = abc
        client_secret_file = /etc/boxfs/secret
        user_id = 77
        enterprise_id = 900
        as_user = 1234
        """)
        XCTAssertEqual(config.auth.method, .ccg)
        XCTAssertEqual(config.auth.clientID, "abc")
        XCTAssertEqual(config.auth.clientSecretFile?.path, "/etc/boxfs/secret")
        XCTAssertEqual(config.auth.userID, "77")
        XCTAssertEqual(config.auth.enterpriseID, "900")
        XCTAssertEqual(config.asUser, "1234")
    }

    func testIncompleteOrContradictorySettingsNameTheKeyToFix() {
        assertConfigError("auth = magic", "box.conf:1: auth: 'magic' is not one of token, oauth, ccg, jwt")
        assertConfigError("as_user = Bob Smith", "box.conf:1: as_user: 'Bob Smith' is not a Box user id (digits) or login (an email address)")
        assertConfigError("auth = oauth\nclient_id = a\nclient_secret = b",
                          "box.conf: refresh_token_file: auth = oauth needs refresh_token_file")
        assertConfigError("auth = oauth\nrefresh_token_file = /x", "box.conf: client_id: auth = oauth needs the app's client_id")
        assertConfigError("auth = ccg\nclient_id = a\nclient_secret = b",
                          "box.conf: enterprise_id: auth = ccg needs enterprise_id (service account) or user_id")
        assertConfigError("auth = ccg\nclient_id = a\nclient_secret = b\nclient_secret_file = /s\nuser_id = 1",
                          "box.conf: client_secret: set client_secret or client_secret_file, not both")
        assertConfigError("auth = jwt\nclient_id = a", "box.conf: jwt_config_file: auth = jwt needs jwt_config_file, "
            + "or client_id, client_secret(_file), jwt_public_key_id and jwt_private_key_file")
        assertConfigError("", "box.conf: no credentials: set access_token or access_token_file")
    }

    func testSecretFilesReadableByOthersAreRefusedWithTheChmodThatFixesThem() throws {
        let config = try file("box_config.json", "{}", mode: 0o644)
        try assertFactoryError("auth = jwt\njwt_config_file = \(config)",
                               "\(config): readable by group or others; run: chmod 600 \(config)")
        let token = try file("token", "abc", mode: 0o640)
        try assertFactoryError("access_token_file = \(token)", "\(token): readable by group or others; run: chmod 600 \(token)")
    }

    func testBrokenJWTConfigFilesSayWhatIsWrong() throws {
        let malformed = try file("malformed.json", "{\"boxAppSettings\": ")
        try assertFactoryError("auth = jwt\njwt_config_file = \(malformed)",
                               "\(malformed): not valid JSON (expected Box's app config file)")
        let missing = try file("missing.json", #"{"boxAppSettings":{"clientID":"a","clientSecret":"b","appAuth":{}}}"#)
        try assertFactoryError("auth = jwt\njwt_config_file = \(missing)", "\(missing): missing boxAppSettings.appAuth.publicKeyID")
        let absent = directory.appendingPathComponent("absent.json").path
        try assertFactoryError("auth = jwt\njwt_config_file = \(absent)", "\(absent): cannot read (No such file or directory)")
    }

    func testWrongPassphraseIsOneClearLine() throws {
        let keys = try AuthTestKeys.shared()
        let object: [String: Any] = ["boxAppSettings": [
            "clientID": "a", "clientSecret": "b",
            "appAuth": ["publicKeyID": "k", "privateKey": keys.encryptedPrivateKeyPEM, "passphrase": "not it"],
        ], "enterpriseID": "1"]
        let json = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        let config = try file("box_config.json", json)
        try assertFactoryError("auth = jwt\njwt_config_file = \(config)",
                               "\(config): cannot decrypt the private key: wrong passphrase")
    }

    func testTokenFileIsReReadWhenTheTokenIsRejected() async throws {
        let path = try file("token", "first\n")
        let provider = try AuthProviderFactory.make(configuration: try configure("access_token_file = \(path)"),
                                                    httpClient: .shared, logger: .init(label: "test"))
        let first = try await provider.accessToken()
        XCTAssertEqual(first, "first")
        try Data("second\n".utf8).write(to: URL(fileURLWithPath: path))
        let unchanged = try await provider.accessToken()
        XCTAssertEqual(unchanged, "first", "read again only after a rejection")
        await provider.tokenRejected("first")
        let second = try await provider.accessToken()
        XCTAssertEqual(second, "second")
    }
}
