import Foundation

/// What Box appends to the redirect URI after the user's decision: `code=...&state=...`, or
/// `error=...&error_description=...&state=...`.
public enum AuthorizationResponse {
    /// Why a redirect did not yield a code.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// The user declined, or Box refused the request.
        case refused(error: String, description: String)
        /// The `state` did not match: the redirect was not for this login attempt.
        case stateMismatch
        /// Neither a code nor an error.
        case noCode

        public var description: String {
            switch self {
            case let .refused(error, description): "Box did not authorize the app: \(error): \(description)"
            case .stateMismatch: "the redirect carries another login's state; start again with the URL printed above"
            case .noCode: "no code= in what was received; paste the whole address the browser ended up on"
            }
        }
    }

    /// The code in a redirect's query string.
    public static func code(fromQuery query: String, expectedState: String) throws -> String {
        var items: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                $0.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            if let name = parts.first { items[name] = parts.count > 1 ? parts[1] : "" }
        }
        if let error = items["error"] {
            throw Failure.refused(error: error, description: items["error_description"] ?? "")
        }
        guard let code = items["code"], !code.isEmpty else { throw Failure.noCode }
        guard items["state"] == expectedState else { throw Failure.stateMismatch }
        return code
    }

    /// The code in what a user pasted: the whole address the browser ended up on, its query, or the bare code.
    public static func code(fromPasted text: String, expectedState: String) throws -> String {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let question = text.firstIndex(of: "?") {
            return try code(fromQuery: String(text[text.index(after: question)...]), expectedState: expectedState)
        }
        if text.contains("=") { return try code(fromQuery: text, expectedState: expectedState) }
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw Failure.noCode
        }
        return text
    }
}
