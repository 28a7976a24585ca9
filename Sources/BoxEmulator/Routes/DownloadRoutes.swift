import Foundation
import Hummingbird

/// The download host: `GET /d/1/{token}/download` serves the pinned version without authentication and
/// honours single `Range`s (206, 416 with `Content-Range: bytes */size`).
struct DownloadRoutes {
    let services: EmulatorServices
    private let fileIO = FileIO()

    init(services: EmulatorServices) {
        self.services = services
    }

    func register(on router: some RouterMethods<EmulatorRequestContext>) {
        router.get("/d/1/{token}/download") { request, context in
            guard let token = context.parameters.get("token"), let link = services.downloads.resolve(token) else {
                throw BoxError.notFound("Download link expired or unknown")
            }
            let path = services.store.content.url(sha1: link.sha1).path
            var headers: HTTPFields = [
                .contentType: "application/octet-stream", .acceptRanges: "bytes",
                .contentDisposition: "attachment; filename=\"\(link.name.replacingOccurrences(of: "\"", with: ""))\"",
            ]
            switch ByteRange(header: request.headers[.range], size: link.size) {
            case .unsatisfiable:
                headers[.contentRange] = "bytes */\(link.size)"
                return Response(status: .rangeNotSatisfiable, headers: headers, body: .init())
            case let .partial(range):
                headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(link.size)"
                let body = try await fileIO.loadFile(path: path, range: Int(range.lowerBound)...Int(range.upperBound), context: context)
                return Response(status: .partialContent, headers: headers, body: body)
            case .whole:
                let body = link.size == 0 ? ResponseBody() : try await fileIO.loadFile(path: path, context: context)
                return Response(status: .ok, headers: headers, body: body)
            }
        }
    }
}
