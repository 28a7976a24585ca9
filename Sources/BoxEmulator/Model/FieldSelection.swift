/// Which representation of an item to answer with (box-api.md §3): the mini form (listing entries), the
/// standard form (default item bodies), or — once `fields=` is given — only `type`, `id`, `etag` and the fields
/// named.
enum FieldSelection: Sendable {
    case mini
    case standard
    case custom([String])

    /// `fields=` from a query string, or `fallback` when absent.
    static func from(query fields: String?, fallback: FieldSelection) -> FieldSelection {
        guard let fields, !fields.isEmpty else { return fallback }
        return .custom(fields.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
    }
}
