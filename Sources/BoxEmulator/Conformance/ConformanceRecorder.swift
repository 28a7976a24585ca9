import Foundation

/// Collects responses that don't match Box's response schema for their operation, for
/// `GET /_emulator/conformance` and for tests.
///
/// `@unchecked Sendable`: all state is behind `lock`; recording is a few dictionary updates per response.
public final class ConformanceRecorder: @unchecked Sendable {
    /// One kind of mismatch, counted over all responses that showed it.
    public struct Violation: Sendable, Equatable, Encodable {
        /// The spec operation, e.g. `GET /folders/{folder_id}/items`.
        public var operation: String
        public var status: Int
        /// A JSON Pointer into the response body ("" for the body itself).
        public var pointer: String
        public var message: String
        public var count: Int
        /// The request path of the first response that showed it.
        public var examplePath: String

        enum CodingKeys: String, CodingKey {
            case operation, status, pointer, message, count, examplePath = "example_path"
        }
    }

    private struct Key: Hashable {
        var operation: String
        var status: Int
        var pointer: String
        var message: String
    }

    private let lock = NSLock()
    private var checked = 0
    private var found: [Key: Violation] = [:]
    private var order: [Key] = []

    public init() {}

    /// Response bodies validated so far.
    public var checkedCount: Int { lock.withLock { checked } }

    /// The violations seen so far, in the order first seen.
    public var violations: [Violation] { lock.withLock { order.compactMap { found[$0] } } }

    func record(operation: String, status: Int, path: String, violations: [SchemaViolation]) {
        lock.withLock {
            checked += 1
            for violation in violations {
                let key = Key(operation: operation, status: status, pointer: violation.pointer, message: violation.message)
                if found[key] == nil {
                    order.append(key)
                    found[key] = Violation(operation: operation, status: status, pointer: violation.pointer,
                                           message: violation.message, count: 0, examplePath: path)
                }
                found[key]?.count += 1
            }
        }
    }

    /// The violations seen so far, as JSON for `GET /_emulator/conformance`:
    /// `{"checked": N, "violations": [{"operation","status","pointer","message","count","example_path"}]}`.
    public func reportJSON() -> Data {
        struct Report: Encodable {
            var checked: Int
            var violations: [Violation]
        }
        let report = lock.withLock { Report(checked: checked, violations: order.compactMap { found[$0] }) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Ints and strings always encode.
        return (try? encoder.encode(report)) ?? Data()
    }
}
