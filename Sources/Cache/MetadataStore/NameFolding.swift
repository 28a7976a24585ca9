/// The key under which a name is unique within a Box folder.
///
/// Box compares names case-insensitively (a file `New File` clashes with a folder `new file`) but preserves case.
/// We fold with Swift's `lowercased()`: the locale-independent Unicode lowercase mapping, so `Ä` and `ä` match.
/// No Unicode normalisation is applied: NFC and NFD spellings are different byte strings to Linux programs, and
/// we don't know that Box equates them, so they stay different keys.
enum NameFolding {
    static func key(_ name: String) -> String { name.lowercased() }
}
