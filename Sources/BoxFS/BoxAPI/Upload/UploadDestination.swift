import Cache

/// Where an upload's content goes. (Named apart from `Cache.UploadTarget`, the journal's record of it.)
public enum UploadDestination: Sendable, Hashable, Codable {
    /// A new file `name` in folder `parent`.
    case newFile(name: String, parent: ItemID)
    /// A new version of an existing file, optionally renaming it at the same time.
    case newVersion(of: ItemID, name: String?)
}
