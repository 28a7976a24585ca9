import Foundation

/// The derived schema file: for each operation boxfs uses, the response schema per status, plus Box's error schema.
struct ResponseSchemas: Sendable {
    /// What a response of one status should look like.
    enum Expectation {
        /// Validate the JSON body against this schema.
        case body(JSONSchema)
        /// The spec documents the status without a JSON body (204, 302, a 202 "not ready"): nothing to check.
        case noBody
        /// The spec does not list this status for the operation.
        case undocumented
    }

    /// An operation as the spec names it, e.g. `GET /folders/{folder_id}/items`, with its path split for matching.
    struct Operation: Sendable {
        let name: String
        let method: String
        let segments: [Substring?] // nil: a `{parameter}`
        let responses: [String: JSONSchema?]
    }

    let operations: [Operation]
    let errorSchema: JSONSchema
    let validator: SchemaValidator

    init(contentsOf url: URL) throws {
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
        operations = file.operations.map { name, responses in
            let parts = name.split(separator: " ", maxSplits: 1)
            return Operation(name: name, method: String(parts[0]),
                             segments: parts[1].split(separator: "/").map { $0.hasPrefix("{") ? nil : $0 },
                             responses: responses)
        }
        errorSchema = file.error
        validator = SchemaValidator(schemas: file.schemas)
    }

    /// The spec operation a request path is for. The emulator's roots (`/2.0`, `/api/2.0`, `/api/oauth2`) are
    /// removed first; where templates compete (`/files/content` vs `/files/{file_id}`) the most literal wins.
    func operation(method: String, path: String) -> Operation? {
        var path = Substring(path)
        for root in ["/api/2.0/", "/2.0/", "/api/oauth2/"] where path.hasPrefix(root) {
            path = (root == "/api/oauth2/" ? "/oauth2/" : "/") + path.dropFirst(root.count)
            break
        }
        let segments = path.split(separator: "/")
        return operations
            .filter { $0.method == method && $0.segments.count == segments.count }
            .filter { zip($0.segments, segments).allSatisfy { template, actual in template.map { $0 == actual } ?? true } }
            .max { $0.segments.compactMap { $0 }.count < $1.segments.compactMap { $0 }.count }
    }

    /// What a response with `status` to `operation` must look like.
    func expectation(for operation: Operation, status: Int) -> Expectation {
        if let documented = operation.responses[String(status)] ?? operation.responses["default"] {
            return documented.map(Expectation.body) ?? .noBody
        }
        // Errors the operation doesn't list (a 429, a 503) still come in Box's error shape.
        return status >= 400 ? .body(errorSchema) : .undocumented
    }

    private struct File: Decodable {
        var operations: [String: [String: JSONSchema?]]
        var error: JSONSchema
        var schemas: [String: JSONSchema]
    }
}
