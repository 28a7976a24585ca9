/// Names of files that a program writes only to rename them a moment after closing: rsync's temporary files,
/// `.NAME.XXXXXX` (mkstemp's six letters and digits). Their upload waits for the rename (see
/// ``UploadQueue/enqueue(inode:stagingPath:target:size:mtime:holdFor:journaled:)``), so Box gets one upload
/// under the final name and mtime instead of an upload and then a rename.
enum TemporaryFileNames {
    /// How long a new file with such a name waits for its rename before it is uploaded under the name it has.
    /// rsync renames within milliseconds of closing (it sets the file's attributes in between).
    static let renameWait: Duration = .seconds(1)

    static func awaitsRename(_ name: String) -> Bool {
        guard name.hasPrefix("."), let lastDot = name.lastIndex(of: "."), lastDot > name.startIndex else { return false }
        let suffix = name[name.index(after: lastDot)...]
        let stem = name[name.index(after: name.startIndex)..<lastDot]
        return !stem.isEmpty && suffix.count == 6 && suffix.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }
}
