import Foundation
import Hummingbird

/// Collects responses that don't match Box's response schema for their operation.
///
/// SKELETON (owned by the conformance engineer).
public final class ConformanceRecorder: @unchecked Sendable {
    public init() {}
    /// The violations seen so far, as JSON for `GET /_emulator/conformance`.
    public func reportJSON() -> Data { Data(#"{"checked":0,"violations":[]}"#.utf8) }
}

/// Validates every JSON response body against the schema of its operation (derived from Box's OpenAPI spec).
///
/// SKELETON (owned by the conformance engineer).
public struct ConformanceMiddleware<Context: RequestContext>: RouterMiddleware {
    let recorder: ConformanceRecorder
    public init(schemaFile: URL, recorder: ConformanceRecorder) throws {
        self.recorder = recorder
    }
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await next(request, context)
    }
}
