import Cache
import Foundation

/// Everything a mount is configured with, after the file and `-o` options are applied over the defaults.
/// Kernel mount options (`ro`, `allow_other`, `uid`, ...) are not here: see `MountOptions`.
public struct BoxFSConfiguration: Sendable {
    // Account and auth
    public var apiURL = URL(string: "https://api.box.com/2.0")!
    public var uploadURL = URL(string: "https://upload.box.com/api/2.0")!
    public var tokenURL = URL(string: "https://api.box.com/oauth2/token")!
    public var credentials: Credentials?
    /// How access tokens are obtained when not given directly (`auth` and the keys it reads).
    public var auth = AuthSettings()
    /// A user id (or a login, resolved to one when mounting) sent as `As-User` on every call: a service account
    /// mounting a managed user's files.
    public var asUser: String?
    /// Send `Box-Notifications: off`, so changes made through the mount don't email collaborators.
    public var suppressNotifications = false
    /// The Box folder shown as the mount's root.
    public var rootFolderID: ItemID = .root

    // Cache
    /// Where the metadata database, cached blocks and staged writes live. Nil: derived from the mountpoint.
    public var cacheDirectory: URL?
    public var cacheSize: Int64 = 10 << 30
    public var blockSize: Int = 4 << 20
    /// How long cached metadata (attributes, listings, known-absent names) is served without asking Box.
    public var metadataTTL: TimeInterval = 60
    /// The TTL while the events stream is followed: changes arrive as events, so listings are only a backstop.
    public var metadataTTLWithEvents: TimeInterval = 600
    /// Follow Box's events stream to see changes made elsewhere within seconds.
    public var followEvents = true
    /// How long the kernel keeps names and attributes without asking, while events are followed (each change
    /// they report is pushed to the kernel); 1 s without them.
    public var attributeTimeout: TimeInterval = 10

    // Reading
    /// The largest read-ahead window one sequential reader grows to.
    public var readAheadMax: Int64 = 64 << 20
    /// One budget for all read-ahead in flight, whatever the number of open files.
    public var readAheadMemory: Int64 = 64 << 20

    // Network
    /// Client-side budgets, sized to Box's per-user limits so boxfs queues instead of meeting 429s.
    public var apiCallsPerMinute: Int = 1000
    public var uploadsPerMinute: Int = 240
    public var requestTimeout: TimeInterval = 60
    /// The longest a filesystem operation waits for Box (retries included) before failing with EIO.
    public var operationTimeout: TimeInterval = 60
    /// Parts of one chunked upload (files from 20 MB) sent at once.
    public var uploadPartsInFlight = 4
    /// Whether close(2) of a written file waits for Box to commit the upload.
    public var writeBack: WriteBack = .sync
    /// Whether files show Box facts as `user.box.*` extended attributes. Off, the kernel is told xattrs aren't
    /// implemented and stops asking, which spares `ls -l` two round trips per entry (security.selinux, an ACL).
    public var extendedAttributes = true
    /// The HTTP proxy to reach Box through.
    public var proxy: ProxySetting = .environment

    // Upload
    /// How long an unmount (or SIGTERM) waits for queued uploads before exiting; the rest stay journaled in the
    /// cache directory and resume at the next mount.
    public var unmountUploadWait: TimeInterval = 600

    // Metrics
    /// The port of the Prometheus endpoint on 127.0.0.1; nil: no endpoint.
    public var metricsPort: Int?

    // Logging
    public var logLevel: LogLevelName = .info

    public init() {}

    /// How boxfs authenticates to Box.
    public enum Credentials: Sendable, Equatable {
        /// A fixed access token, e.g. a developer token (valid for 60 minutes, not refreshable).
        case accessToken(String)
        /// A file holding an access token, re-read when Box rejects the current one.
        case accessTokenFile(URL)
    }

    public enum LogLevelName: String, Sendable, CaseIterable {
        case trace, debug, info, notice, warning, error, critical
    }
}

extension BoxFSConfiguration {
    /// Applies entries in order (later ones win: the file first, then `-o`), rejecting unknown keys.
    public mutating func apply(_ entries: [ConfigEntry], source: String) throws {
        for entry in entries {
            guard let key = ConfigKey.all[entry.key] else {
                var message = "unknown key"
                if let guess = ConfigKey.closest(to: entry.key) { message += " (did you mean '\(guess)'?)" }
                throw ConfigError(source: source, line: entry.line, key: entry.key, message: message)
            }
            do {
                try key.apply(&self, entry.value)
            } catch let invalid as ConfigValues.Invalid {
                throw ConfigError(source: source, line: entry.line, key: entry.key, message: invalid.message)
            }
        }
    }

    /// Checks what no single key can: that the pieces fit together.
    public func validate(source: String) throws {
        if let (key, message) = auth.problem(hasAccessToken: credentials != nil) {
            throw ConfigError(source: source, line: nil, key: key, message: message)
        }
        guard readAheadMax <= readAheadMemory else {
            throw ConfigError(source: source, line: nil, key: "read_ahead_max",
                              message: "must not exceed read_ahead_memory (\(readAheadMemory) bytes)")
        }
    }

    /// The cache directory to use for a mountpoint when none is configured:
    /// `/var/cache/boxfs/<escaped mountpoint>` for root, `$XDG_CACHE_HOME/boxfs/...` otherwise.
    public func resolvedCacheDirectory(mountpoint: String) -> URL {
        if let cacheDirectory { return cacheDirectory }
        let escaped = mountpoint.split(separator: "/").joined(separator: "-")
        let name = escaped.isEmpty ? "root" : escaped
        let base: String
        if getuid() == 0 {
            base = "/var/cache/boxfs"
        } else if let xdg = ProcessInfo.processInfo.environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            base = xdg + "/boxfs"
        } else {
            base = NSHomeDirectory() + "/.cache/boxfs"
        }
        return URL(fileURLWithPath: base).appendingPathComponent(name, isDirectory: true)
    }
}
