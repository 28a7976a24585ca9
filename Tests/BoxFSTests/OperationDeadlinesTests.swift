@testable import BoxFS
import Foundation
import XCTest

final class OperationDeadlinesTests: XCTestCase {
    func testADeadlineExpiresOnceAndACancelledOneNever() async throws {
        let deadlines = OperationDeadlines(resolution: .milliseconds(20))
        let fired = Locked<[String]>([])
        _ = deadlines.schedule(after: .milliseconds(50)) { fired.withLock { $0.append("due") } }
        let cancelled = deadlines.schedule(after: .milliseconds(50)) { fired.withLock { $0.append("cancelled") } }
        deadlines.cancel(cancelled)
        _ = deadlines.schedule(after: .seconds(60)) { fired.withLock { $0.append("later") } }
        try await Task.sleep(for: .milliseconds(300))
        XCTAssertEqual(fired.withLock { $0 }, ["due"])
        XCTAssertEqual(deadlines.count, 1)  // the 60 s one is still waiting
    }

    func testTheTickerStopsWhenIdleAndStartsAgain() async throws {
        let deadlines = OperationDeadlines(resolution: .milliseconds(10))
        let fired = Locked(0)
        _ = deadlines.schedule(after: .milliseconds(10)) { fired.withLock { $0 += 1 } }
        try await Task.sleep(for: .milliseconds(200))
        XCTAssertEqual(deadlines.count, 0)
        _ = deadlines.schedule(after: .milliseconds(10)) { fired.withLock { $0 += 1 } }
        try await Task.sleep(for: .milliseconds(200))
        XCTAssertEqual(fired.withLock { $0 }, 2)
    }
}
