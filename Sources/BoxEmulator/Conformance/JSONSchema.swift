import Foundation

/// One schema of the derived file (`schema/box-api-schema.json`): the subset of OpenAPI 3.0 schema keywords that
/// `scripts/derive-box-schema` keeps.
final class JSONSchema: Decodable, Sendable {
    let type: String?
    let nullable: Bool
    let properties: [String: JSONSchema]
    let required: [String]
    let enumValues: [JSONValue]?
    let items: JSONSchema?
    let allOf: [JSONSchema]
    let anyOf: [JSONSchema]
    let oneOf: [JSONSchema]
    /// A component name (the derived file writes references as `#/schemas/<name>`).
    let reference: String?
    /// Schema for properties not listed in `properties`; nil allows anything.
    let additionalProperties: JSONSchema?
    let format: String?

    enum CodingKeys: String, CodingKey {
        case type, nullable, properties, required, enumValues = "enum", items, allOf, anyOf, oneOf
        case reference = "$ref", additionalProperties, format
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decodeIfPresent(String.self, forKey: .type)
        nullable = try container.decodeIfPresent(Bool.self, forKey: .nullable) ?? false
        properties = try container.decodeIfPresent([String: JSONSchema].self, forKey: .properties) ?? [:]
        required = try container.decodeIfPresent([String].self, forKey: .required) ?? []
        enumValues = try container.decodeIfPresent([JSONValue].self, forKey: .enumValues)
        items = try container.decodeIfPresent(JSONSchema.self, forKey: .items)
        allOf = try container.decodeIfPresent([JSONSchema].self, forKey: .allOf) ?? []
        anyOf = try container.decodeIfPresent([JSONSchema].self, forKey: .anyOf) ?? []
        oneOf = try container.decodeIfPresent([JSONSchema].self, forKey: .oneOf) ?? []
        reference = try container.decodeIfPresent(String.self, forKey: .reference)
            .map { String($0.dropFirst("#/schemas/".count)) }
        // `additionalProperties: true` (or absent) allows anything, like an empty schema.
        additionalProperties = try? container.decodeIfPresent(JSONSchema.self, forKey: .additionalProperties)
        format = try container.decodeIfPresent(String.self, forKey: .format)
    }
}
