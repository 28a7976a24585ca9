/// Why a metadata store could not be opened.
public enum MetadataStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The database was written by a newer boxfs with a schema this version doesn't know.
    case unsupportedSchemaVersion(found: Int, supported: Int)

    public var description: String {
        switch self {
        case .unsupportedSchemaVersion(let found, let supported):
            return "metadata cache schema version \(found) is newer than this boxfs supports (\(supported))"
        }
    }
}
