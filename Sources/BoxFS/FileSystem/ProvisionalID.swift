import Cache
import Foundation

/// Files created through the mount exist locally before Box gives them an id: they carry a provisional id until
/// their first upload completes, when the metadata store rekeys them (keeping the inode).
extension ItemID {
    private static let provisionalPrefix = "local-"

    static func provisional() -> ItemID { ItemID(provisionalPrefix + UUID().uuidString.lowercased()) }

    /// True for ids Box has never seen. Box ids are digits, so the prefix can't collide.
    var isProvisional: Bool { rawValue.hasPrefix(Self.provisionalPrefix) }
}

extension ItemRecord {
    var isProvisional: Bool { id.isProvisional }
}
