import Foundation

/// What a JWT app needs to sign assertions: from Box's downloaded app config JSON or from separate settings.
public struct JWTAppCredentials: Sendable {
    public var clientID: String
    public var clientSecret: String
    /// The id Box assigned to the app's public key (the JWT `kid`).
    public var publicKeyID: String
    let privateKey: RSAPrivateKey
    /// The enterprise in the config file, the subject of service-account tokens.
    public var enterpriseID: String?

    /// - Throws: ``AuthError/wrongPassphrase(path:)`` or ``AuthError/invalidFile(path:problem:)``; `source` names
    ///   the file the key came from in those messages.
    public init(clientID: String, clientSecret: String, publicKeyID: String, privateKeyPEM: String,
                passphrase: String?, enterpriseID: String?, source: String) throws {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.publicKeyID = publicKeyID
        self.enterpriseID = enterpriseID
        do {
            privateKey = try RSAPrivateKey(pem: privateKeyPEM, passphrase: passphrase)
        } catch RSAPrivateKey.LoadError.wrongPassphrase {
            throw AuthError.wrongPassphrase(path: source)
        } catch {
            throw AuthError.invalidFile(path: source, problem: "the private key is not an RSA private key in PEM")
        }
    }

    /// Reads Box's app config file: `{"boxAppSettings":{"clientID","clientSecret","appAuth":{"publicKeyID",
    /// "privateKey","passphrase"}},"enterpriseID"}`. The file must not be readable by group or others.
    public static func load(configFile url: URL) throws -> JWTAppCredentials {
        let data = try SecretFile.read(url)
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw AuthError.invalidFile(path: url.path, problem: "not valid JSON (expected Box's app config file)")
        }
        func field(_ path: String...) throws -> String {
            var node: Any? = object
            for key in path { node = (node as? [String: Any])?[key] }
            // Box writes enterpriseID as a string, but a hand-edited file may carry a number.
            if let number = node as? Int { return String(number) }
            guard let value = node as? String, !value.isEmpty else {
                throw AuthError.invalidFile(path: url.path, problem: "missing \(path.joined(separator: "."))")
            }
            return value
        }
        let passphrase = try? field("boxAppSettings", "appAuth", "passphrase")
        return try JWTAppCredentials(
            clientID: field("boxAppSettings", "clientID"), clientSecret: field("boxAppSettings", "clientSecret"),
            publicKeyID: field("boxAppSettings", "appAuth", "publicKeyID"),
            privateKeyPEM: field("boxAppSettings", "appAuth", "privateKey"), passphrase: passphrase,
            enterpriseID: try? field("enterpriseID"), source: url.path)
    }
}
