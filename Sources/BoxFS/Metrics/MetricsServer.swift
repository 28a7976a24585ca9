import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// Serves `GET /metrics` in Prometheus' text format on 127.0.0.1 (never another address: the metrics name
/// files and the account's activity).
final class MetricsServer: Sendable {
    private let channel: any Channel

    private init(channel: any Channel) { self.channel = channel }

    static func start(port: Int, metrics: MountMetrics, logger: Logger) async throws -> MetricsServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(MetricsHandler(metrics: metrics))
                }
            }
            .bind(host: "127.0.0.1", port: port)
            .get()
        logger.notice("Prometheus metrics on http://127.0.0.1:\(port)/metrics")
        return MetricsServer(channel: channel)
    }

    func stop() async {
        try? await channel.close()
    }
}

/// Answers each request on a connection: the metrics for `GET /metrics`, 404 for anything else.
private final class MetricsHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let metrics: MountMetrics
    private var request: HTTPRequestHead?

    init(metrics: MountMetrics) { self.metrics = metrics }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): request = head
        case .body: break
        case .end:
            guard let head = request else { return }
            request = nil
            let found = head.method == .GET && head.uri.split(separator: "?").first == "/metrics"
            let body = found ? metrics.registry.emitToBuffer() : Array("not found\n".utf8)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: found ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain")
            headers.add(name: "Content-Length", value: String(body.count))
            let status: HTTPResponseStatus = found ? .ok : .notFound
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
            let keepAlive = head.isKeepAlive
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                if !keepAlive { context.close(promise: nil) }
            }
        }
    }
}
