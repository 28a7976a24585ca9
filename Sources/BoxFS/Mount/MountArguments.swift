/// What `-o` options mean to boxfs: each comma-separated option is either a boxfs configuration key
/// (`cache_size=20G`), the configuration file (`config=/etc/boxfs/work.conf`), an option only mount(8) and
/// systemd care about (`_netdev`, `nofail`, `x-systemd.*`, ...), or a kernel/FUSE mount option passed on.
public struct MountArguments: Sendable, Equatable {
    /// From `config=FILE`.
    public var configFile: String?
    /// boxfs configuration keys given as options; applied over the file.
    public var configEntries: [ConfigEntry] = []
    /// Everything else, for `MountOptions` (`ro`, `allow_other`, `uid=1000`, ...).
    public var kernelOptions: [String] = []

    public init() {}

    /// Options mount(8) passes through to helpers that mean nothing to a FUSE filesystem.
    static let ignored: Set<String> = ["_netdev", "nofail", "auto", "noauto", "user", "users", "nouser", "defaults", "owner", "comment"]

    /// Splits `-o` option strings (each possibly comma-separated).
    public static func parse(_ optionStrings: [String]) -> MountArguments {
        var result = MountArguments()
        for option in optionStrings.flatMap({ $0.split(separator: ",").map(String.init) }) where !option.isEmpty {
            let (key, value) = splitKeyValue(option)
            if key == "config", let value {
                result.configFile = value
            } else if let value, ConfigKey.all[key] != nil {
                result.configEntries.append(ConfigEntry(key: key, value: value, line: nil))
            } else if ignored.contains(key) || key.hasPrefix("x-") || key.hasPrefix("comment=") {
                continue
            } else {
                result.kernelOptions.append(option)
            }
        }
        return result
    }

    private static func splitKeyValue(_ option: String) -> (String, String?) {
        guard let eq = option.firstIndex(of: "=") else { return (option, nil) }
        return (String(option[..<eq]), String(option[option.index(after: eq)...]))
    }
}
