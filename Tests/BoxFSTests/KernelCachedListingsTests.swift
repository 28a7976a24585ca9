import Cache
import XCTest
@testable import BoxFS

final class KernelCachedListingsTests: XCTestCase {
    func testTheKernelKeepsAListingOnlyWhileNothingWasStoredSince() {
        let listings = KernelCachedListings()
        let folder: Inode = 5
        XCTAssertFalse(listings.open(folder, generation: 10), "nothing cached yet")
        XCTAssertTrue(listings.open(folder, generation: 10), "unchanged since the last open")
        XCTAssertFalse(listings.open(2, generation: 10), "per folder")
        XCTAssertFalse(listings.open(folder, generation: 11), "something was stored")
        XCTAssertTrue(listings.open(folder, generation: 11))
    }
}
