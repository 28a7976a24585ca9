import AsyncHTTPClient
import Cache
import Foundation
import Logging

/// The composition root of a mount: builds the cache, the Box client and the filesystem from a configuration,
/// mounts, serves until unmounted, and drains pending uploads before returning.
public struct BoxFSMount {
    public let configuration: BoxFSConfiguration
    public let mountpoint: String
    public let options: MountOptions
    public let logger: Logger

    public init(configuration: BoxFSConfiguration, mountpoint: String, options: MountOptions, logger: Logger) {
        self.configuration = configuration
        self.mountpoint = mountpoint
        self.options = options
        self.logger = logger
    }

    /// Mounts and serves until the filesystem is unmounted (umount, fusermount3 -u, SIGINT or SIGTERM).
    ///
    /// - Parameters:
    ///   - onMounted: called once the mount is live (the CLI uses it to tell systemd it's ready).
    ///   - onStopping: called when the mount has ended, before pending uploads are drained.
    public func run(onMounted: @Sendable () -> Void = {}, onStopping: @Sendable () -> Void = {}) async throws {
        let cacheDirectory = configuration.resolvedCacheDirectory(mountpoint: mountpoint)
        let directory = try CacheDirectory(path: cacheDirectory.path)
        let store = try MetadataStore(directory: directory, rootFolderID: configuration.rootFolderID)
        let blocks = try BlockCache(directory: directory, blockSize: configuration.blockSize, capacity: configuration.cacheSize)
        let staging = try StagingArea(directory: directory)

        var tokenHTTPConfiguration = HTTPClient.Configuration()
        tokenHTTPConfiguration.proxy = configuration.proxy.clientProxy(for: configuration.apiURL)
        let tokenHTTP = HTTPClient(eventLoopGroupProvider: .singleton, configuration: tokenHTTPConfiguration)
        let client: BoxClient
        do {
            let tokens = try AuthProviderFactory.make(configuration: configuration, httpClient: tokenHTTP, logger: logger)
            var settings = clientConfiguration
            if let asUser = configuration.asUser {
                settings.asUser = try await AsUserResolver.userID(for: asUser, apiURL: configuration.apiURL, tokens: tokens, http: tokenHTTP)
            }
            client = BoxClient(configuration: settings, tokens: tokens, logger: logger)
        } catch {
            try? await tokenHTTP.shutdown()
            throw error
        }

        let user: BoxUser
        do {
            user = try await AccountCheck.run(client: client, apiURL: configuration.apiURL, timeout: configuration.operationTimeout)
        } catch {
            try? await client.shutdown()
            try? await tokenHTTP.shutdown()
            throw error
        }
        logger.info("signed in to Box as \(user.login) (user \(user.id))")

        let fileSystem = BoxFileSystem(
            store: store, blockCache: blocks, staging: staging, client: client,
            options: fileSystemOptions, logger: logger)
        fileSystem.quota.prime(with: user)
        var events: Task<Void, Never>?
        let metrics = configuration.metricsPort.map { _ in MountMetrics() }
        let publisher = StatusPublisher(
            mountpoint: mountpoint, cacheDirectory: cacheDirectory, apiURL: configuration.apiURL, client: client,
            store: store, blocks: blocks, metrics: metrics, logger: logger)
        // Published until the very end, so `boxfs status` shows the uploads drained after unmounting.
        let status = Task { await publisher.run() }
        let metricsServer = await startMetricsServer(metrics)
        if let metrics { await fileSystem.uploads.onUploaded { metrics.recordUpload(after: $0) } }
        do {
            try await fileSystem.resumeUploads()
            if configuration.followEvents {
                let follower = fileSystem.makeEventFollower()
                do {
                    // Changes made while unmounted are applied before the first request is served.
                    try await follower.catchUp()
                } catch {
                    logger.warning("could not read Box's events at start (\(error)); cached folders revalidate by TTL")
                }
                events = Task { await follower.run() }
            }
            let session = try FUSESession.mount(at: mountpoint, options: options, operations: fileSystem, logger: logger)
            fileSystem.notifier.attach(session)
            session.unmountOnSignals()
            logger.notice("boxfs mounted \(configuration.apiURL) folder \(configuration.rootFolderID) at \(session.mountpoint) (cache \(cacheDirectory.path))")
            onMounted()
            let end = await session.waitUntilEnded()
            events?.cancel()
            onStopping()
            logger.notice("unmounted: \(end)")
        } catch {
            events?.cancel()
            await metricsServer?.stop()
            status.cancel()
            await status.value
            try? await client.shutdown()
            try? await tokenHTTP.shutdown()
            throw error
        }
        await fileSystem.uploads.settleDeferred()
        let pending = await fileSystem.uploads.pendingCount
        if pending > 0 {
            logger.notice("waiting for \(pending) upload(s) to finish before exiting")
            if await !fileSystem.uploads.drain(timeout: .seconds(configuration.unmountUploadWait)) {
                logger.warning("uploads still pending; they stay journaled in \(cacheDirectory.path) and resume at the next mount")
            }
        }
        await metricsServer?.stop()
        status.cancel()
        await status.value
        try? await client.shutdown()
        try? await tokenHTTP.shutdown()
    }

    /// A monitoring port that is taken must not cost the mount: it is logged and the mount goes on without it.
    private func startMetricsServer(_ metrics: MountMetrics?) async -> MetricsServer? {
        guard let metrics, let port = configuration.metricsPort else { return nil }
        do {
            return try await MetricsServer.start(port: port, metrics: metrics, logger: logger)
        } catch {
            logger.error("no Prometheus endpoint: cannot listen on 127.0.0.1:\(port): \(error)")
            return nil
        }
    }

    private var clientConfiguration: BoxClientConfiguration {
        var c = BoxClientConfiguration(apiURL: configuration.apiURL.absoluteString, uploadURL: configuration.uploadURL.absoluteString)
        c.requestTimeout = configuration.requestTimeout
        c.apiCallsPerMinute = configuration.apiCallsPerMinute
        c.uploadsPerMinute = configuration.uploadsPerMinute
        c.chunkedUploadConcurrency = configuration.uploadPartsInFlight
        c.asUser = configuration.asUser
        c.suppressNotifications = configuration.suppressNotifications
        c.proxy = configuration.proxy.clientProxy(for: configuration.apiURL)
        return c
    }

    private var fileSystemOptions: FileSystemOptions {
        var o = FileSystemOptions()
        o.readOnly = options.readOnly
        o.metadataTTL = configuration.metadataTTL
        o.operationTimeout = configuration.operationTimeout
        o.writeBack = configuration.writeBack
        o.extendedAttributes = configuration.extendedAttributes
        o.metadataTTLWithEvents = configuration.followEvents ? configuration.metadataTTLWithEvents : configuration.metadataTTL
        o.kernelCacheTimeout = configuration.attributeTimeout
        o.readAheadMaximum = configuration.readAheadMax
        o.readAheadMemory = configuration.readAheadMemory
        o.readAheadInitial = min(Int64(configuration.blockSize), configuration.readAheadMax)
        if let uid = options.ownerUID { o.uid = uid }
        if let gid = options.ownerGID { o.gid = gid }
        if let umask = options.umask { o.umask = umask }
        return o
    }
}
