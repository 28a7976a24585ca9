import Foundation
import Hummingbird
import NIOCore

/// Validates every JSON response body against the schema of its operation and status, derived from Box's OpenAPI
/// spec (`schema/box-api-schema.json`), and records mismatches in a ``ConformanceRecorder``. Responses pass through
/// unchanged; errors thrown by handlers are rendered here (as the router would) so error bodies are checked too.
public struct ConformanceMiddleware<Context: RequestContext>: RouterMiddleware {
    let recorder: ConformanceRecorder
    let schemas: ResponseSchemas

    /// Bodies larger than this are passed through unchecked (no JSON answer of Box's API comes near it).
    static var maximumCheckedBody: Int { 8 << 20 }

    /// - Parameter schemaFile: the file `scripts/derive-box-schema` writes.
    /// - Throws: if the file can't be read or is not a derived schema file.
    public init(schemaFile: URL, recorder: ConformanceRecorder) throws {
        self.recorder = recorder
        schemas = try ResponseSchemas(contentsOf: schemaFile)
    }

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        guard let operation = schemas.operation(method: request.method.rawValue, path: request.uri.path) else {
            return response
        }
        let status = Int(response.status.code)
        let path = request.uri.path
        let isJSON = response.headers[.contentType]?.lowercased().hasPrefix("application/json") ?? false
        switch schemas.expectation(for: operation, status: status) {
        case .undocumented:
            recorder.record(operation: operation.name, status: status, path: path, violations: [
                SchemaViolation(pointer: "", message: "status \(status) is not documented for this operation"),
            ])
        case .noBody:
            break
        case let .body(schema) where isJSON:
            response.body = checked(response.body) { [recorder, validator = schemas.validator] body in
                let violations: [SchemaViolation]
                if let value = try? JSONDecoder().decode(JSONValue.self, from: body) {
                    violations = validator.violations(of: value, against: schema)
                } else {
                    violations = [SchemaViolation(pointer: "", message: "the body is not JSON")]
                }
                recorder.record(operation: operation.name, status: status, path: path, violations: violations)
            }
        case .body:
            // Box's 401s have an empty body (WWW-Authenticate explains them); other errors must be JSON.
            if status != 401 {
                recorder.record(operation: operation.name, status: status, path: path, violations: [
                    SchemaViolation(pointer: "", message: "expected a JSON body, Content-Type is "
                        + (response.headers[.contentType] ?? "absent")),
                ])
            }
        }
        return response
    }

    /// `body`, written as before, handing the complete bytes to `inspect` once written.
    private func checked(_ body: ResponseBody, inspect: @escaping @Sendable (Data) -> Void) -> ResponseBody {
        ResponseBody(contentLength: body.contentLength) { writer in
            let collector = BodyCollector(limit: Self.maximumCheckedBody)
            try await body.write(CollectingWriter(inner: writer, collector: collector))
            if let bytes = collector.bytes { inspect(bytes) }
        }
    }
}
