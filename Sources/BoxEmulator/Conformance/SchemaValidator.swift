import Foundation

/// Where a JSON value breaks its schema: a JSON Pointer into the body and what is wrong there.
struct SchemaViolation: Hashable, Sendable {
    var pointer: String
    var message: String
}

/// Checks JSON values against the derived schemas with OpenAPI 3.0 semantics (`nullable`, `$ref` to a component).
struct SchemaValidator: Sendable {
    /// The components `$ref`s name.
    let schemas: [String: JSONSchema]

    func violations(of value: JSONValue, against schema: JSONSchema) -> [SchemaViolation] {
        var found: [SchemaViolation] = []
        check(value, schema, "", &found)
        // Variants restate inherited properties (File--Full repeats File's), so one fault can be found twice.
        var seen = Set<SchemaViolation>()
        return found.filter { seen.insert($0).inserted }
    }

    private func check(_ value: JSONValue, _ schema: JSONSchema, _ pointer: String, _ found: inout [SchemaViolation]) {
        if let name = schema.reference {
            guard let target = schemas[name] else {
                return found.append(.init(pointer: pointer, message: "schema '\(name)' is missing from the derived file"))
            }
            check(value, target, pointer, &found)
        }
        // `nullable: true` on the schema or on one of its allOf parts admits null whatever the other parts say:
        // Box's spec marks optional objects as `allOf: [{type: object, ...}, {nullable: true}]`.
        if value == .null, schema.nullable || schema.allOf.contains(where: \.nullable) { return }
        for part in schema.allOf { check(value, part, pointer, &found) }
        // Box's spec uses oneOf as a union told apart by `type`; matching any alternative is what matters.
        for alternatives in [schema.anyOf, schema.oneOf] where !alternatives.isEmpty {
            checkAlternatives(value, alternatives, pointer, &found)
        }
        if let type = schema.type, !value.schemaTypeNames.contains(type) {
            return found.append(.init(pointer: pointer, message: "expected \(type), found \(Self.describe(value))"))
        }
        if let allowed = schema.enumValues, !allowed.contains(value) {
            found.append(.init(pointer: pointer, message: "\(Self.describe(value)) is not one of the spec's values"))
        }
        switch value {
        case let .string(text) where schema.format == "date-time":
            if !Self.isDateTime(text) {
                found.append(.init(pointer: pointer, message: "'\(text)' is not an RFC 3339 date-time"))
            }
        case let .object(members):
            for key in schema.required where value[key] == nil {
                found.append(.init(pointer: pointer, message: "required property '\(key)' is missing"))
            }
            for (key, member) in members {
                if let property = schema.properties[key] {
                    check(member, property, pointer + "/" + Self.escape(key), &found)
                } else if let additional = schema.additionalProperties {
                    check(member, additional, pointer + "/" + Self.escape(key), &found)
                }
            }
        case let .array(elements):
            guard let items = schema.items else { break }
            for (index, element) in elements.enumerated() { check(element, items, pointer + "/\(index)", &found) }
        default:
            break
        }
    }

    private func checkAlternatives(_ value: JSONValue, _ alternatives: [JSONSchema], _ pointer: String,
                                   _ found: inout [SchemaViolation]) {
        let attempts = alternatives.map { alternative -> [SchemaViolation] in
            var attempt: [SchemaViolation] = []
            check(value, alternative, pointer, &attempt)
            return attempt
        }
        guard !attempts.contains(where: \.isEmpty) else { return }
        // Report the alternative that came closest, so the message says what to fix.
        let closest = attempts.min { $0.count < $1.count } ?? []
        let detail = closest.first.map { " (closest: \($0.pointer) \($0.message))" } ?? ""
        found.append(.init(pointer: pointer, message: "matches none of \(alternatives.count) alternatives" + detail))
    }

    private static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case let .bool(flag): return "\(flag)"
        case let .int(number): return "\(number)"
        case let .double(number): return "\(number)"
        case let .string(text): return "'\(text.prefix(60))'"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// JSON Pointer escaping (RFC 6901).
    private static func escape(_ key: String) -> String {
        key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    /// RFC 3339 `date-time`: `2024-05-01T10:20:30-07:00`, optional fraction, `Z` or an offset.
    private static func isDateTime(_ text: String) -> Bool {
        text.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"#,
                   options: .regularExpression) != nil
    }
}
