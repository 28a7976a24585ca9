/// The acting user (`GET /users/me`): identity and the numbers `statfs` and early `EFBIG` checks need.
public struct BoxUser: Sendable, Hashable, Decodable {
    /// The user's id.
    public var id: String
    /// The user's login (an email address).
    public var login: String
    /// The user's display name.
    public var name: String
    /// Bytes of storage the user may use (may be enormous for "unlimited").
    public var spaceAmount: Int64
    /// Bytes in use, trash included.
    public var spaceUsed: Int64
    /// The largest file the user may upload, in bytes.
    public var maxUploadSize: Int64

    private enum CodingKeys: String, CodingKey {
        case id, login, name
        case spaceAmount = "space_amount"
        case spaceUsed = "space_used"
        case maxUploadSize = "max_upload_size"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        login = try c.decodeIfPresent(String.self, forKey: .login) ?? ""
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
        spaceAmount = try c.decodeLenientInt64IfPresent(forKey: .spaceAmount) ?? .max
        spaceUsed = try c.decodeLenientInt64IfPresent(forKey: .spaceUsed) ?? 0
        maxUploadSize = try c.decodeLenientInt64IfPresent(forKey: .maxUploadSize) ?? .max
    }
}
