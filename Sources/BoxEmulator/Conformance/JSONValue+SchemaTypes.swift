// How the conformance check sees the emulator's `JSONValue` (Util/JSONValue.swift), which decodes strictly:
// a JSON `true` is never a number.
extension JSONValue {
    /// The JSON Schema type names this value has ("integer" values are numbers too).
    var schemaTypeNames: Set<String> {
        switch self {
        case .null: return ["null"]
        case .bool: return ["boolean"]
        case .int: return ["integer", "number"]
        case let .double(value): return value.rounded() == value ? ["integer", "number"] : ["number"]
        case .string: return ["string"]
        case .array: return ["array"]
        case .object: return ["object"]
        }
    }
}
