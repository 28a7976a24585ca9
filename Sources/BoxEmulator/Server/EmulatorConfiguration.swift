import Foundation

/// How to run a Box emulator.
public struct EmulatorConfiguration: Sendable {
    /// TCP port on 127.0.0.1; 0 picks a free port (read it back from `EmulatorServer.baseURL`).
    public var port: Int = 0
    /// Where content blobs, upload parts and the metadata snapshot live. A directory holding a previous run's
    /// data serves the same tree again.
    public var dataDirectory: URL
    /// Create the sample tree (see `Seeder`) if the account is empty.
    public var seed: Bool = false
    /// Create folder "big" with this many small files.
    public var seedBigFolder: Int?
    /// Create "large.bin" of this many bytes of deterministic pseudo-random content.
    public var seedLargeFile: Int64?
    /// Access tokens accepted for the default user (`EmulatorUsers.defaultUser`) without expiry.
    public var staticTokens: [String] = []
    /// Token issuing (lifetimes, apps, keys).
    public var auth = AuthConfiguration()
    /// Faults active from the start (changeable later through `/_emulator/faults`).
    public var faults = FaultSettings()
    /// Scheme and host put into URLs handed to clients (download redirects, upload session endpoints, long-poll
    /// URL, preflight `upload_url`), e.g. "https://api.box.com" behind a TLS proxy. Default: the request's Host.
    public var publicBaseURL: String?
    /// Seconds a long-poll request waits before answering `reconnect` (Box's `retry_timeout`: 610).
    public var longPollTimeout: TimeInterval = 610
    /// Smallest file a chunked upload session accepts (Box: 20 MB).
    public var chunkedUploadMinimumSize: Int64 = 20_000_000
    /// How long upload sessions live (Box: 7 days).
    public var uploadSessionLifetime: TimeInterval = 7 * 24 * 3600
    /// Derived schema of Box's responses; when set, every response is checked by the conformance middleware.
    public var conformanceSchemaFile: URL?

    /// A configuration storing its data in `dataDirectory`, with every other setting at its default.
    public init(dataDirectory: URL) {
        self.dataDirectory = dataDirectory
    }
}
