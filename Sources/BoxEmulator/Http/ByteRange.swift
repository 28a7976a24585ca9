import Foundation

/// A `Range: bytes=...` request header resolved against a body of `size` bytes (the three single-range forms:
/// `a-b`, `a-`, `-n`). Multi-range requests are served whole, as RFC 9110 allows.
enum ByteRange: Equatable {
    case whole
    case partial(ClosedRange<Int64>)
    case unsatisfiable

    init(header: String?, size: Int64) {
        guard let header = header?.trimmingCharacters(in: .whitespaces), header.lowercased().hasPrefix("bytes=") else {
            self = .whole
            return
        }
        let spec = header.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else {
            self = .whole
            return
        }
        let first = Int64(spec[..<dash].trimmingCharacters(in: .whitespaces))
        let lastText = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        let last = Int64(lastText)
        switch (first, last) {
        case let (start?, end?) where start <= end:
            self = start < size ? .partial(start...min(end, size - 1)) : .unsatisfiable
        case let (start?, nil) where lastText.isEmpty:
            self = start < size ? .partial(start...(size - 1)) : .unsatisfiable
        case let (nil, suffix?) where spec[..<dash].trimmingCharacters(in: .whitespaces).isEmpty:
            self = suffix > 0 && size > 0 ? .partial(max(0, size - suffix)...(size - 1)) : .unsatisfiable
        default:
            self = .whole
        }
    }
}

