import Foundation
import HTTPTypes
import Hummingbird

extension Response {
    /// A JSON response in Box's style.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: value.serialized())))
    }

    /// An empty response (`204` for deletes, `202`/`304` and friends).
    static func empty(_ status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        Response(status: status, headers: headers, body: .init())
    }

    /// The `{"total_count":1,"entries":[file]}` collection uploads and commits answer with.
    static func fileCollection(_ file: JSONValue, status: HTTPResponse.Status) -> Response {
        json(.object([("total_count", 1), ("entries", .array([file]))]), status: status)
    }
}

extension Request {
    /// A query parameter, percent-decoded.
    func query(_ name: String) -> String? {
        uri.queryParameters[Substring(name)].map(String.init)
    }

    /// Collects the body up to `limit` bytes (413 beyond).
    func collectBody(limit: Int) async throws -> Data {
        var data = Data()
        for try await buffer in body {
            data.append(contentsOf: buffer.readableBytesView)
            if data.count > limit {
                throw BoxError(.contentTooLarge, "request_entity_too_large", "Request Entity Too Large")
            }
        }
        return data
    }

    /// The body as a JSON object (400 when it isn't one).
    func jsonObject(limit: Int = 1 << 20) async throws -> JSONValue {
        let data = try await collectBody(limit: limit)
        guard let value = JSONValue.parse(data), case .object = value else {
            throw BoxError.badRequest("Invalid JSON body")
        }
        return value
    }

    /// A path parameter as the raw wire id.
    func idParameter(_ context: EmulatorRequestContext, _ name: String = "id") throws -> Substring {
        guard let value = context.parameters.get(name) else { throw BoxError.notFound() }
        return Substring(value)
    }
}

extension JSONValue {
    /// `{"id": "..."}` members such as `parent`.
    var idMember: Substring? { self["id"]?.stringValue.map { Substring($0) } }

    /// A timestamp member, 400 when it isn't RFC 3339.
    func date(_ key: String) throws -> Date? {
        guard let raw = self[key], !raw.isNull else { return nil }
        guard let text = raw.stringValue, let date = BoxDate.parse(text) else {
            throw BoxError.badRequest("Invalid value for \(key)", code: "bad_request")
        }
        return date
    }
}
