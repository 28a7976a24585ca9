import Foundation

/// Fills the default user's account with sample content. Idempotent: what already exists (a reused data
/// directory) is left alone. Seeding records no events; clients start from a tree that is already there.
///
/// `--seed` tree:
/// ```
/// hello.txt                          "Hello, Box!\n"
/// Documents/readme.txt, notes.md
/// Documents/Projects/alpha/plan.txt
/// Photos/sample.bin                  SeedData.sampleBinarySize bytes of SeedData(sampleBinarySeed)
/// Ünïcödé folder with spaces/résumé 2024.txt
/// empty folder/
/// ```
/// `--seed-big-folder N`: `big/file-00001.txt` … (content "file N\n"); `--seed-large-file B`: `large.bin`.
struct Seeder {
    let store: BoxStore
    private let user = EmulatorUsers.defaultUser

    func seed(_ configuration: EmulatorConfiguration) throws {
        if configuration.seed { try seedSampleTree() }
        if let count = configuration.seedBigFolder { try seedBigFolder(count) }
        if let size = configuration.seedLargeFile { try seedLargeFile(size) }
    }

    private func seedSampleTree() throws {
        try file("hello.txt", in: "0", text: "Hello, Box!\n")
        let documents = try folder("Documents", in: "0")
        try file("readme.txt", in: documents, text: "This account is served by the boxfs Box emulator.\n")
        try file("notes.md", in: documents, text: "# Notes\n\n- one\n- two\n")
        let projects = try folder("Projects", in: documents)
        let alpha = try folder("alpha", in: projects)
        try file("plan.txt", in: alpha, text: "1. plan\n2. build\n3. ship\n")
        let photos = try folder("Photos", in: "0")
        try file("sample.bin", in: photos, bytes: Data(SeedData.bytes(seed: SeedData.sampleBinarySeed, offset: 0, count: SeedData.sampleBinarySize)))
        let unicode = try folder("Ünïcödé folder with spaces", in: "0")
        try file("résumé 2024.txt", in: unicode, text: "Ünïcödé content ✓\n")
        _ = try folder("empty folder", in: "0")
    }

    private func seedBigFolder(_ count: Int) throws {
        let big = try folder("big", in: "0")
        let existing = store.read { state in Set(state.activeChildren(of: ItemID(wire: Substring(big)) ?? .rootAlias).map(\.name)) }
        for index in stride(from: 1, through: count, by: 1) {
            let name = String(format: "file-%05d.txt", index)
            if existing.contains(name) { continue }
            try file(name, in: big, text: "file \(index)\n")
        }
    }

    /// Streams deterministic content to disk in 1 MiB steps, so multi-GB seeds don't need the memory.
    private func seedLargeFile(_ size: Int64) throws {
        if try existing("large.bin", in: "0") != nil { return }
        let target = store.content.temporaryURL()
        guard FileManager.default.createFile(atPath: target.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        let handle = try FileHandle(forWritingTo: target)
        let hasher = SHA1Hasher()
        var offset: Int64 = 0
        while offset < size {
            let count = Int(min(Int64(1 << 20), size - offset))
            let chunk = Data(SeedData.bytes(seed: SeedData.largeFileSeed, offset: offset, count: count))
            hasher.update(chunk)
            try handle.write(contentsOf: chunk)
            offset += Int64(count)
        }
        try handle.close()
        let digest = hasher.finalize()
        try store.content.adopt(target, sha1: digest)
        try link("large.bin", in: "0", content: StoredContent(sha1: digest.hex, size: size))
    }

    // MARK: Helpers

    private func existing(_ name: String, in parent: String) throws -> Item? {
        try store.read { state in
            let folder = try state.resolve(Substring(parent), kind: .folder, for: user)
            return state.conflict(in: folder.id, name: name)
        }
    }

    /// The wire id of folder `name` in `parent`, created if missing.
    @discardableResult
    private func folder(_ name: String, in parent: String) throws -> String {
        if let found = try existing(name, in: parent) { return found.id.description }
        let now = BoxDate.truncated(Date())
        return try store.write { state in
            state.recordsEvents = false
            defer { state.recordsEvents = true }
            return try state.createFolder(named: name, in: Substring(parent), by: user, at: now).id.description
        }
    }

    private func file(_ name: String, in parent: String, text: String) throws {
        try file(name, in: parent, bytes: Data(text.utf8))
    }

    private func file(_ name: String, in parent: String, bytes: Data) throws {
        if try existing(name, in: parent) != nil { return }
        let stored = try store.content.store(bytes)
        try link(name, in: parent, content: StoredContent(sha1: stored.sha1.hex, size: stored.size))
    }

    private func link(_ name: String, in parent: String, content: StoredContent) throws {
        let now = BoxDate.truncated(Date())
        try store.write { state in
            state.recordsEvents = false
            defer { state.recordsEvents = true }
            _ = try state.createFile(named: name, in: Substring(parent), content: content, by: user, contentCreatedAt: nil, contentModifiedAt: nil, at: now)
        }
    }
}
