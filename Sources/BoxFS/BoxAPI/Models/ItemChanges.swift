import Foundation

/// The name, folder and content time of an item as request bodies carry them: the JSON of `PUT /files/{id}` and
/// `PUT /folders/{id}`, and the `attributes` part of a simple upload. Nil fields are left out (unchanged).
struct ItemChanges: Encodable {
    var name: String?
    var parent: ItemReference?
    var contentModifiedAt: Date?

    enum CodingKeys: String, CodingKey {
        case name, parent
        case contentModifiedAt = "content_modified_at"
    }
}
