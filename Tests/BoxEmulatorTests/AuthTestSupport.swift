@testable import BoxEmulator
import Foundation
import XCTest

/// A user registry for token tests: a few users and one enterprise with its service account.
final class AuthTestUsers: UserDirectory, @unchecked Sendable {
    static let enterpriseID = "9001"
    static let serviceAccount = UserID("500")
    static let alice = UserID("77")

    func userExists(_ id: UserID) -> Bool { [Self.alice, Self.serviceAccount].contains(id) }
    func serviceAccount(enterpriseID: String) -> UserID? {
        enterpriseID == Self.enterpriseID ? Self.serviceAccount : nil
    }
}

/// A clock tests move by hand.
final class AuthTestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_800_000_000)
    var now: Date { lock.withLock { current } }
    func advance(_ seconds: TimeInterval) { lock.withLock { current += seconds } }
}

/// An RSA key pair made with the `openssl` command for the test run, and RS256 signing with it.
struct AuthTestKeyPair {
    let directory: URL
    var privateKeyPath: String { directory.appendingPathComponent("private.pem").path }
    var publicKeyPath: String { directory.appendingPathComponent("public.pem").path }
    var publicKeyPEM: String { (try? String(contentsOfFile: publicKeyPath, encoding: .utf8)) ?? "" }

    static func generate() throws -> AuthTestKeyPair {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("boxemu-auth-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let pair = AuthTestKeyPair(directory: directory)
        _ = try openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", pair.privateKeyPath])
        _ = try openssl(["pkey", "-in", pair.privateKeyPath, "-pubout", "-out", pair.publicKeyPath])
        return pair
    }

    /// A compact JWS over `header` and `claims` (JSON objects), signed RS256.
    func jwt(header: [String: Any], claims: [String: Any]) throws -> String {
        let signingInput = try Self.segment(header) + "." + Self.segment(claims)
        let signature = try Self.openssl(["dgst", "-sha256", "-sign", privateKeyPath], input: Data(signingInput.utf8))
        return signingInput + "." + Self.base64url(signature)
    }

    static func segment(_ object: [String: Any]) throws -> String {
        base64url(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    static func base64url(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    @discardableResult
    static func openssl(_ arguments: [String], input: Data = Data()) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "openssl", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "openssl \(arguments.joined(separator: " ")) failed"])
        }
        return output
    }
}

/// Reads an OAuth endpoint's JSON answer.
func oauthJSON(_ response: OAuthResponse, file: StaticString = #filePath, line: UInt = #line) -> [String: Any] {
    guard let object = try? JSONSerialization.jsonObject(with: response.json) as? [String: Any] else {
        XCTFail("not a JSON object: \(String(decoding: response.json, as: UTF8.self))", file: file, line: line)
        return [:]
    }
    return object
}

/// Asserts Box's OAuth error shape: 400 `{"error": code, "error_description": ...}`.
func assertOAuthError(_ response: OAuthResponse, _ code: String, descriptionContains fragment: String = "",
                      file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(response.status, 400, file: file, line: line)
    let body = oauthJSON(response, file: file, line: line)
    XCTAssertEqual(body["error"] as? String, code, "\(body)", file: file, line: line)
    let description = body["error_description"] as? String ?? ""
    XCTAssertTrue(fragment.isEmpty || description.contains(fragment), "\(description)", file: file, line: line)
}
