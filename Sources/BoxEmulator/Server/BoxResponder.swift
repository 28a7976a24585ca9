import Hummingbird

/// Wraps the router so requests no route matches get Box's 404 JSON, and every response carries a
/// `box-request-id` header.
struct BoxResponder<Inner: HTTPResponder>: HTTPResponder where Inner.Context == EmulatorRequestContext {
    let inner: Inner

    func respond(to request: Request, context: EmulatorRequestContext) async throws -> Response {
        var response = try await inner.respond(to: request, context: context)
        if context.endpointPath == "NotFound" {
            response = try BoxError.notFound().response(from: request, context: context)
        }
        response.headers[.boxRequestID] = context.requestID
        return response
    }
}
