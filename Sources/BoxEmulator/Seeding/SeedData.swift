/// The deterministic content of seeded binary files, so tests can check any range of them without a copy:
/// byte `i` comes from SplitMix64 of the 8-byte block `i / 8` mixed with a per-file seed.
public enum SeedData {
    /// The seed of `large.bin` (`--seed-large-file`).
    public static let largeFileSeed: UInt64 = 0x5EED_0001
    /// The seed of `Photos/sample.bin` (`--seed`).
    public static let sampleBinarySeed: UInt64 = 0x5EED_0002
    /// Size of `Photos/sample.bin`.
    public static let sampleBinarySize = 3 * 1024 * 1024 + 123

    /// `count` bytes starting at `offset` of the file generated with `seed`.
    public static func bytes(seed: UInt64, offset: Int64, count: Int) -> [UInt8] {
        guard count > 0 else { return [] }
        let firstBlock = offset / 8
        let lastBlock = (offset + Int64(count) - 1) / 8
        var words = [UInt64](repeating: 0, count: Int(lastBlock - firstBlock + 1))
        for block in firstBlock...lastBlock {
            var generator = SeededRandom(seed: seed ^ (UInt64(block) &* 0x9E37_79B9_7F4A_7C15))
            words[Int(block - firstBlock)] = generator.next().littleEndian
        }
        let skip = Int(offset - firstBlock * 8)
        return words.withUnsafeBytes { Array($0[skip..<(skip + count)]) }
    }
}
