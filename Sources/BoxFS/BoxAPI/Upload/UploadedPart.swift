/// A part of a chunked upload that Box has stored, as Box reports it and as the commit lists it.
public struct UploadedPart: Sendable, Hashable, Codable {
    /// Box's id for the part.
    public var partID: String
    /// The part's first byte in the file.
    public var offset: Int64
    /// The part's length.
    public var size: Int64
    /// Hex SHA-1 of the part's bytes.
    public var sha1: String

    public init(partID: String, offset: Int64, size: Int64, sha1: String) {
        self.partID = partID
        self.offset = offset
        self.size = size
        self.sha1 = sha1
    }

    private enum CodingKeys: String, CodingKey {
        case partID = "part_id"
        case offset, size, sha1
    }
}
