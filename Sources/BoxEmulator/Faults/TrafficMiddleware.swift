import Foundation
import Hummingbird
import HTTPTypes
import NIOCore

/// Wraps every counted route: counts it by route template, applies latency, the bandwidth cap, injected
/// 429/503/drops and the per-user rate limits. Admin routes are registered without it.
struct TrafficMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext
    let stats: CallStats
    let faults: FaultInjector
    let authority: TokenAuthority

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Unmatched requests reach here without an endpoint path; they share one counter.
        let path = context.endpointPath ?? "(unmatched)"
        let route = "\(request.method.rawValue) \(path)"
        let settings = faults.current
        if let notifications = HTTPField.Name("Box-Notifications"), request.headers[notifications]?.lowercased() == "off" {
            stats.recordNotificationsOff(route: route)
        }
        var request = request
        request.body = countedBody(request.body, route: route, bandwidth: settings.bandwidthBps)

        if settings.latencyMs > 0 { try await Task.sleep(for: .milliseconds(settings.latencyMs)) }
        let user = try? authority.authenticate(bearerToken: BoxAuthMiddleware.bearerToken(in: request)).get()
        let decision = faults.decide(user: user, isUpload: path.hasPrefix("/api/2.0"))

        var response: Response
        var dropMidBody = false
        do {
            switch decision {
            case .proceed:
                response = try await next(request, context)
                if let hold = faults.takeSlowAnswer(route: route) { try await Task.sleep(for: hold) }
            case let .rateLimited(retryAfter):
                throw BoxError.rateLimited(retryAfter: retryAfter)
            case .unavailable:
                throw BoxError.unavailable()
            case .drop(midBody: false):
                stats.record(route: route, status: "drop")
                context.channel.close(promise: nil)
                throw CancellationError()
            case .drop(midBody: true):
                response = try await next(request, context)
                dropMidBody = true
            }
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        stats.record(route: route, status: dropMidBody ? "drop" : String(response.status.code))
        response.body = countedBody(response.body, route: route, bandwidth: settings.bandwidthBps, dropAfterHalf: dropMidBody, channel: context.channel)
        return response
    }

    private func countedBody(_ body: RequestBody, route: String, bandwidth: Int) -> RequestBody {
        let stats = stats
        let inbound = faults.inbound
        return RequestBody(asyncSequence: body.map { buffer in
            stats.addBytesIn(buffer.readableBytes, route: route)
            await inbound.transfer(buffer.readableBytes, bytesPerSecond: bandwidth)
            return buffer
        })
    }

    /// Counts (and throttles) the response body; for a mid-body drop, sends about half of it and then closes
    /// the connection, so the client sees a truncated body.
    private func countedBody(_ body: ResponseBody, route: String, bandwidth: Int, dropAfterHalf: Bool, channel: any Channel) -> ResponseBody {
        let stats = stats
        let outbound = faults.outbound
        let length = body.contentLength
        let dropAt = dropAfterHalf ? (length ?? 0) / 2 : nil
        return ResponseBody(contentLength: length) { writer in
            let sent = ManagedCounter()
            try await body.write(writer.map { buffer in
                var buffer = buffer
                if let dropAt {
                    let room = dropAt - sent.value
                    guard room > 0 else { channel.close(promise: nil); throw CancellationError() }
                    if buffer.readableBytes > room { buffer = buffer.getSlice(at: buffer.readerIndex, length: room)! }
                }
                sent.value += buffer.readableBytes
                stats.addBytesOut(buffer.readableBytes, route: route)
                await outbound.transfer(buffer.readableBytes, bytesPerSecond: bandwidth)
                return buffer
            })
            if dropAt != nil {
                channel.close(promise: nil)
                throw CancellationError()
            }
        }
    }
}

/// A byte counter shared by the chunks of one response body (written sequentially by one writer).
private final class ManagedCounter: @unchecked Sendable {
    var value = 0
}
