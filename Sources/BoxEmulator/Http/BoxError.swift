import Foundation
import HTTPTypes
import Hummingbird

/// An error answered in Box's error shape: `{"type":"error","status",...,"request_id"}`.
///
/// Everything the routes reject is thrown as a `BoxError`; the router renders it through `HTTPResponseError`.
struct BoxError: Error, HTTPResponseError {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    var contextInfo: JSONValue?
    var headers: HTTPFields = [:]
    /// 401s from the API have an empty body; only `WWW-Authenticate` explains them.
    var emptyBody = false

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String, contextInfo: JSONValue? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.contextInfo = contextInfo
    }

    static let helpURL = "https://developer.box.com/guides/api-calls/permissions-and-errors/common-errors/"

    /// The JSON body for `requestID`.
    func body(requestID: String) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("type", "error"), ("status", .int(Int64(status.code))), ("code", .string(code)),
            ("message", .string(message)),
        ]
        if let contextInfo { members.append(("context_info", contextInfo)) }
        members.append(("help_url", .string(Self.helpURL)))
        members.append(("request_id", .string(requestID)))
        return .object(members)
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let requestID = (context as? EmulatorRequestContext)?.requestID ?? "0"
        var fields = headers
        fields[.boxRequestID] = requestID
        if emptyBody {
            return Response(status: status, headers: fields, body: .init())
        }
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body(requestID: requestID).serialized())))
    }
}

extension HTTPField.Name {
    static let boxRequestID = HTTPField.Name("box-request-id")!
    static let asUser = HTTPField.Name("As-User")!
    static let digest = HTTPField.Name("Digest")!
    static let contentMD5 = HTTPField.Name("Content-MD5")!
}

extension BoxError {
    static func notFound(_ message: String = "Not Found") -> BoxError { BoxError(.notFound, "not_found", message) }
    static func trashed() -> BoxError { BoxError(.notFound, "trashed", "Item is trashed") }
    static func badRequest(_ message: String, code: String = "bad_request") -> BoxError { BoxError(.badRequest, code, message) }
    static func methodNotAllowed() -> BoxError { BoxError(.methodNotAllowed, "method_not_allowed", "Method Not Allowed") }
    static func preconditionFailed() -> BoxError {
        BoxError(.preconditionFailed, "precondition_failed", "The resource has been modified. Please retrieve the resource again and retry")
    }
    static func nameInUse(conflicts: JSONValue) -> BoxError {
        BoxError(.conflict, "item_name_in_use", "Item with the same name already exists", contextInfo: .object([("conflicts", conflicts)]))
    }
    static func rateLimited(retryAfter: Int) -> BoxError {
        var error = BoxError(.tooManyRequests, "rate_limit_exceeded", "Request rate limit exceeded, please try again later")
        error.headers[.retryAfter] = String(retryAfter)
        return error
    }
    static func unavailable() -> BoxError { BoxError(.serviceUnavailable, "unavailable", "Unavailable") }
    static func forbidden(_ code: String = "access_denied_insufficient_permissions", _ message: String = "Access denied - insufficient permission") -> BoxError {
        BoxError(.forbidden, code, message)
    }

    /// Box's 401: empty body, reason in `WWW-Authenticate` (`expired_token` lets clients like rclone refresh).
    static func unauthorized(_ rejection: TokenRejection) -> BoxError {
        var error = BoxError(.unauthorized, "unauthorized", "Unauthorized")
        let reason: String
        switch rejection {
        case .expired: reason = #"error="expired_token", error_description="The access token provided has expired.""#
        case .missing: reason = #"error="invalid_request", error_description="The access token was not found.""#
        case .unknown, .revoked: reason = #"error="invalid_token", error_description="The access token provided is invalid.""#
        }
        error.headers[.wwwAuthenticate] = #"Bearer realm="Service", "# + reason
        error.emptyBody = true
        return error
    }
}
