import CFuse

/// Packs directory entries into the kernel's readdir format, up to the size the kernel asked for.
///
/// libfuse's `fuse_add_direntry[_plus]` encodes one record and reports its size without writing when it
/// does not fit, which is how the last entry that fits is found.
struct DirectoryBuffer: ~Copyable {
    private let request: OpaquePointer
    private let storage: UnsafeMutableRawBufferPointer
    private(set) var used = 0

    init(request: OpaquePointer, capacity: Int) {
        self.request = request
        self.storage = .allocate(byteCount: capacity, alignment: 8)
    }

    deinit { storage.deallocate() }

    private var remaining: UnsafeMutablePointer<CChar> {
        (storage.baseAddress! + used).assumingMemoryBound(to: CChar.self)
    }

    /// Adds a plain entry whose successor is at `nextOffset`; `false` if it does not fit.
    mutating func append(name: String, stat: stat, nextOffset: UInt64) -> Bool {
        var stat = stat
        let size = fuse_add_direntry(request, remaining, storage.count - used, name, &stat, off_t(nextOffset))
        return commit(size)
    }

    /// Adds a readdirplus entry whose successor is at `nextOffset`; `false` if it does not fit.
    mutating func append(name: String, entry: fuse_entry_param, nextOffset: UInt64) -> Bool {
        var entry = entry
        let size = fuse_add_direntry_plus(request, remaining, storage.count - used, name, &entry, off_t(nextOffset))
        return commit(size)
    }

    private mutating func commit(_ size: Int) -> Bool {
        guard size <= storage.count - used else { return false }
        used += size
        return true
    }

    /// The packed records.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[..<used]) }
}
