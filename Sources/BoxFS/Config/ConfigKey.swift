import Cache
import Foundation

/// The table of configuration keys: the single place that says which keys exist and how each is read.
/// `mount.conf.example` documents every key here (a test checks the two agree).
struct ConfigKey: Sendable {
    let name: String
    let apply: @Sendable (inout BoxFSConfiguration, String) throws -> Void

    static let all: [String: ConfigKey] = Dictionary(uniqueKeysWithValues: list.map { ($0.name, $0) })

    static let list: [ConfigKey] = [
        // Account and auth
        ConfigKey(name: "api_url") { $0.apiURL = try ConfigValues.url($1) },
        ConfigKey(name: "upload_url") { $0.uploadURL = try ConfigValues.url($1) },
        ConfigKey(name: "token_url") { $0.tokenURL = try ConfigValues.url($1) },
        ConfigKey(name: "access_token") { $0.credentials = .accessToken(try ConfigValues.nonEmpty($1)) },
        ConfigKey(name: "access_token_file") {
            $0.credentials = .accessTokenFile(URL(fileURLWithPath: try ConfigValues.nonEmpty($1)))
        },
        ConfigKey(name: "auth") { config, value in
            guard let method = AuthSettings.Method(rawValue: value.lowercased()) else {
                let names = AuthSettings.Method.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConfigValues.Invalid(message: "'\(value)' is not one of \(names)")
            }
            config.auth.method = method
        },
        ConfigKey(name: "client_id") { $0.auth.clientID = try ConfigValues.nonEmpty($1) },
        ConfigKey(name: "client_secret") { $0.auth.clientSecret = try ConfigValues.nonEmpty($1) },
        ConfigKey(name: "client_secret_file") { $0.auth.clientSecretFile = try ConfigValues.path($1) },
        ConfigKey(name: "refresh_token_file") { $0.auth.refreshTokenFile = try ConfigValues.path($1) },
        ConfigKey(name: "jwt_config_file") { $0.auth.jwtConfigFile = try ConfigValues.path($1) },
        ConfigKey(name: "jwt_public_key_id") { $0.auth.jwtPublicKeyID = try ConfigValues.nonEmpty($1) },
        ConfigKey(name: "jwt_private_key_file") { $0.auth.jwtPrivateKeyFile = try ConfigValues.path($1) },
        ConfigKey(name: "jwt_passphrase_file") { $0.auth.jwtPassphraseFile = try ConfigValues.path($1) },
        ConfigKey(name: "enterprise_id") { $0.auth.enterpriseID = try ConfigValues.boxID($1, of: "enterprise") },
        ConfigKey(name: "user_id") { $0.auth.userID = try ConfigValues.boxID($1, of: "user") },
        ConfigKey(name: "as_user") { $0.asUser = try ConfigValues.userReference($1) },
        ConfigKey(name: "suppress_notifications") { $0.suppressNotifications = try ConfigValues.bool($1) },
        ConfigKey(name: "root_folder_id") { config, value in
            guard !value.isEmpty, value.allSatisfy(\.isNumber) else {
                throw ConfigValues.Invalid(message: "'\(value)' is not a Box folder id (digits, \"0\" is All Files)")
            }
            config.rootFolderID = ItemID(value)
        },
        // Cache
        ConfigKey(name: "cache_dir") { $0.cacheDirectory = URL(fileURLWithPath: try ConfigValues.nonEmpty($1)) },
        ConfigKey(name: "cache_size") { $0.cacheSize = try ConfigValues.size($1) },
        ConfigKey(name: "block_size") { config, value in
            let size = try ConfigValues.size(value)
            guard (1 << 20 ... 8 << 20).contains(size), size % 4096 == 0 else {
                throw ConfigValues.Invalid(message: "'\(value)' must be from 1M to 8M, a multiple of 4K")
            }
            config.blockSize = Int(size)
        },
        ConfigKey(name: "metadata_ttl") { $0.metadataTTL = try ConfigValues.duration($1) },
        ConfigKey(name: "metadata_ttl_with_events") { $0.metadataTTLWithEvents = try ConfigValues.duration($1) },
        ConfigKey(name: "attr_timeout") { $0.attributeTimeout = try ConfigValues.duration($1) },
        ConfigKey(name: "events") { $0.followEvents = try ConfigValues.bool($1) },
        // Reading
        ConfigKey(name: "read_ahead_max") { $0.readAheadMax = try ConfigValues.size($1) },
        ConfigKey(name: "read_ahead_memory") { $0.readAheadMemory = try ConfigValues.size($1) },
        // Network
        ConfigKey(name: "api_calls_per_minute") { $0.apiCallsPerMinute = try ConfigValues.integer($1, in: 1 ... 100_000) },
        ConfigKey(name: "uploads_per_minute") { $0.uploadsPerMinute = try ConfigValues.integer($1, in: 1 ... 100_000) },
        ConfigKey(name: "request_timeout") { $0.requestTimeout = try ConfigValues.duration($1) },
        ConfigKey(name: "operation_timeout") { $0.operationTimeout = try ConfigValues.duration($1) },
        ConfigKey(name: "write_back") { config, value in
            guard let mode = WriteBack(rawValue: value.lowercased()) else {
                throw ConfigValues.Invalid(message: "'\(value)' is not sync or async")
            }
            config.writeBack = mode
        },
        ConfigKey(name: "xattrs") { $0.extendedAttributes = try ConfigValues.bool($1) },
        ConfigKey(name: "proxy") { $0.proxy = try ProxySetting.parse($1) },
        // Upload
        ConfigKey(name: "upload_parts_in_flight") { $0.uploadPartsInFlight = try ConfigValues.integer($1, in: 1 ... 64) },
        ConfigKey(name: "unmount_upload_wait") { $0.unmountUploadWait = try ConfigValues.duration($1) },
        // Metrics
        ConfigKey(name: "metrics_port") { config, value in
            let port = try ConfigValues.integer(value, in: 0 ... 65535)
            config.metricsPort = port == 0 ? nil : port
        },
        // Logging
        ConfigKey(name: "log_level") { config, value in
            guard let level = BoxFSConfiguration.LogLevelName(rawValue: value.lowercased()) else {
                let names = BoxFSConfiguration.LogLevelName.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConfigValues.Invalid(message: "'\(value)' is not one of \(names)")
            }
            config.logLevel = level
        },
    ]

    /// The known key nearest to a misspelt one, if any is close enough to be a likely typo.
    static func closest(to key: String) -> String? {
        let candidates = list.map { ($0.name, editDistance($0.name, key)) }
        guard let best = candidates.min(by: { $0.1 < $1.1 }), best.1 <= max(2, key.count / 4) else { return nil }
        return best.0
    }

    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0 ... b.count)
        for i in 1 ... max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1 ... max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}

// Value types of the auth keys.
extension ConfigValues {
    /// A user id, or a login (resolved to an id when mounting).
    static func userReference(_ text: String) throws -> String {
        guard !text.isEmpty, !text.contains(where: \.isWhitespace), text.allSatisfy(\.isNumber) || text.contains("@") else {
            throw Invalid(message: "'\(text)' is not a Box user id (digits) or login (an email address)")
        }
        return text
    }

    static func path(_ text: String) throws -> URL {
        URL(fileURLWithPath: try nonEmpty(text))
    }

    /// Box ids (users, enterprises) are strings of digits.
    static func boxID(_ text: String, of kind: String) throws -> String {
        guard !text.isEmpty, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber) else {
            throw Invalid(message: "'\(text)' is not a Box \(kind) id (digits)")
        }
        return text
    }
}
