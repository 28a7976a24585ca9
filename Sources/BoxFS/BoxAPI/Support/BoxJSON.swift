import Foundation

/// JSON coding as Box speaks it: RFC 3339 dates with offsets, snake_case keys spelled out in each model.
enum BoxJSON {
    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = RFC3339.parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 date: \(text)")
            }
            return date
        }
        return decoder
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.format(date))
        }
        return encoder
    }
}

extension KeyedDecodingContainer {
    /// Box sends very large sizes (folder `size`, `space_amount`) in float or exponent form ("1.0e+18"),
    /// so sizes are read as integers when they are, else as doubles clamped into `Int64`.
    func decodeLenientInt64IfPresent(forKey key: Key) throws -> Int64? {
        if let value = try? decodeIfPresent(Int64.self, forKey: key) { return value }
        guard let double = try decodeIfPresent(Double.self, forKey: key) else { return nil }
        if double >= Double(Int64.max) { return .max }
        if double <= 0 { return 0 }
        return Int64(double)
    }

    /// `ttl`, `max_retries` and similar are strings in Box's spec and numbers in its examples.
    func decodeStringOrNumberIfPresent(forKey key: Key) throws -> String? {
        if let text = try? decodeIfPresent(String.self, forKey: key) { return text }
        if let number = try? decodeIfPresent(Int64.self, forKey: key) { return String(number) }
        if let number = try decodeIfPresent(Double.self, forKey: key) { return String(number) }
        return nil
    }
}
