import Foundation

/// A parsed `multipart/form-data` body (RFC 7578), just enough for Box's simple uploads.
struct MultipartForm {
    struct Part {
        let name: String
        let filename: String?
        let body: Data
    }

    let parts: [Part]

    /// The boundary of a `multipart/form-data` content type, or `nil` when it isn't one.
    static func boundary(fromContentType contentType: String?) -> String? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    /// Parses `body`; `nil` when it isn't well-formed multipart with this boundary.
    init?(body: Data, boundary: String) {
        let delimiter = Data("--\(boundary)".utf8)
        let crlf = Data("\r\n".utf8)
        let headerEnd = Data("\r\n\r\n".utf8)
        guard var cursor = body.range(of: delimiter)?.upperBound else { return nil }
        var parts: [Part] = []
        while true {
            // After a delimiter: "--" ends the body, otherwise CRLF and a part follow.
            if body[cursor...].starts(with: Data("--".utf8)) { break }
            guard body[cursor...].starts(with: crlf) else { return nil }
            cursor += crlf.count
            guard let headersRange = body.range(of: headerEnd, in: cursor..<body.endIndex) else { return nil }
            let headerText = String(decoding: body[cursor..<headersRange.lowerBound], as: UTF8.self)
            let contentStart = headersRange.upperBound
            guard let next = body.range(of: crlf + delimiter, in: contentStart..<body.endIndex) else { return nil }
            let disposition = Self.contentDisposition(in: headerText)
            guard let name = disposition["name"] else { return nil }
            parts.append(Part(name: name, filename: disposition["filename"], body: body.subdata(in: contentStart..<next.lowerBound)))
            cursor = next.upperBound
        }
        self.parts = parts
    }

    /// The parameters of the part's `Content-Disposition: form-data; name="..."; filename="..."`.
    private static func contentDisposition(in headers: String) -> [String: String] {
        for line in headers.components(separatedBy: "\r\n") {
            let pair = line.split(separator: ":", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "content-disposition" else { continue }
            var parameters: [String: String] = [:]
            for item in pair[1].split(separator: ";").dropFirst() {
                let kv = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if kv.count == 2 { parameters[kv[0].lowercased()] = kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            }
            return parameters
        }
        return [:]
    }
}
