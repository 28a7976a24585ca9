import Foundation

/// A JSON document as the conformance check sees it. Decoded strictly (a JSON `true` is never a number), which
/// `JSONSerialization`'s `NSNumber` bridging can't promise on Linux.
enum JSONInstance: Decodable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    /// A number with a fraction or beyond Int64 (Box writes some sizes as `1.0e+18`).
    case number(Double)
    case string(String)
    case array([JSONInstance])
    case object([String: JSONInstance])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONInstance].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONInstance].self))
        }
    }

    /// The JSON Schema type names this value has ("integer" values are numbers too).
    var typeNames: Set<String> {
        switch self {
        case .null: return ["null"]
        case .bool: return ["boolean"]
        case .integer: return ["integer", "number"]
        case let .number(value): return value.rounded() == value ? ["integer", "number"] : ["number"]
        case .string: return ["string"]
        case .array: return ["array"]
        case .object: return ["object"]
        }
    }
}
