import Foundation
import XCTest

extension XCTestCase {
    /// A fresh directory path (not yet created) that is deleted when the test ends.
    func makeTemporaryPath() -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("boxfs-cache-tests-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }
}
