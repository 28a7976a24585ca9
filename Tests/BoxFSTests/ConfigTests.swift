@testable import BoxFS
import Foundation
import XCTest

final class ConfigTests: XCTestCase {
    private func configure(_ text: String) throws -> BoxFSConfiguration {
        var config = BoxFSConfiguration()
        try config.apply(try ConfigFile.parse(text, source: "test.conf"), source: "test.conf")
        return config
    }

    private func assertConfigError(_ text: String, _ expected: String, line: UInt = #line) {
        XCTAssertThrowsError(try configure(text), line: line) { error in
            XCTAssertEqual("\(error)", expected, line: line)
        }
    }

    func testParsesValuesOfEveryType() throws {
        let config = try configure("""
        # comment
        api_url = http://127.0.0.1:8080/2.0

        access_token = "  spaced # token  "
        cache_size = 512M   # trailing comment
        block_size = 8MiB
        metadata_ttl = 500ms
        root_folder_id = 12345
        log_level = DEBUG
        """)
        XCTAssertEqual(config.apiURL.absoluteString, "http://127.0.0.1:8080/2.0")
        XCTAssertEqual(config.credentials, .accessToken("  spaced # token  "))
        XCTAssertEqual(config.cacheSize, 512 << 20)
        XCTAssertEqual(config.blockSize, 8 << 20)
        XCTAssertEqual(config.metadataTTL, 0.5, accuracy: 1e-9)
        XCTAssertEqual(config.rootFolderID, "12345")
        XCTAssertEqual(config.logLevel, .debug)
    }

    func testMistakesNameTheLineAndKey() {
        assertConfigError("api_url = x\ncach_dir = /tmp\n", "test.conf:1: api_url: 'x' is not an http(s) URL")
        assertConfigError("cache_dir = /tmp\ncach_size = 1G\n",
                          "test.conf:2: cach_size: unknown key (did you mean 'cache_size'?)")
        assertConfigError("block_size = 16M", "test.conf:1: block_size: '16M' must be from 1M to 8M, a multiple of 4K")
        assertConfigError("metadata_ttl = soon", "test.conf:1: metadata_ttl: 'soon' is not a duration (examples: 30, 30s, 500ms, 5m)")
        assertConfigError("just words", "test.conf:1: expected 'key = value', found 'just words'")
        assertConfigError("root_folder_id = abc", "test.conf:1: root_folder_id: 'abc' is not a Box folder id (digits, \"0\" is All Files)")
    }

    func testLaterEntriesWinSoMountOptionsOverrideTheFile() throws {
        var config = BoxFSConfiguration()
        try config.apply(try ConfigFile.parse("cache_size = 1G", source: "f"), source: "f")
        try config.apply([ConfigEntry(key: "cache_size", value: "2G", line: nil)], source: "-o")
        XCTAssertEqual(config.cacheSize, 2 << 30)
    }

    func testMissingCredentialsIsOneClearLine() {
        XCTAssertThrowsError(try BoxFSConfiguration().validate(source: "box.conf")) { error in
            XCTAssertEqual("\(error)", "box.conf: no credentials: set access_token or access_token_file")
        }
    }

    /// mount.conf.example must document every key, and everything in it must parse.
    func testExampleFileParsesAndListsEveryKey() throws {
        let example = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("mount.conf.example")
        let text = try String(contentsOf: example, encoding: .utf8)
        // Uncomment the commented-out `key = value` examples so they are checked too.
        let uncommented = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("# "), let eq = trimmed.firstIndex(of: "="),
               trimmed[trimmed.index(trimmed.startIndex, offsetBy: 2) ..< eq].trimmingCharacters(in: .whitespaces)
               .allSatisfy({ $0.isLetter || $0 == "_" }) {
                return String(trimmed.dropFirst(2))
            }
            return String(line)
        }.joined(separator: "\n")
        let entries = try ConfigFile.parse(uncommented, source: example.path)
        var config = BoxFSConfiguration()
        try config.apply(entries, source: example.path)
        let documented = Set(entries.map(\.key))
        XCTAssertEqual(documented, Set(ConfigKey.all.keys), "mount.conf.example and ConfigKey.list disagree")
    }
}
