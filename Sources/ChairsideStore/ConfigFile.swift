import ChairsideCore
import Foundation

/// Reads the clinic config from `$XDG_CONFIG_HOME/chairside/config.toml` (or a given path).
/// No file means the built-in defaults; a bad file is an error, never a half-configured start.
public enum ConfigFile {
    public static let maxBytes = 1_048_576

    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
        return base + "/chairside/config.toml"
    }

    public static func load(path: String) throws -> ClinicConfig {
        guard FileManager.default.fileExists(atPath: path) else { return .standard }
        let data = try DurableFiles(root: "").read(path, limit: maxBytes)
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, line: 0, key: nil, message: "is not UTF-8 text")
        }
        return try ConfigLoader.load(text: text, file: path)
    }
}

/// Where the store lives: `--store`, else CHAIRSIDE_STORE, else `$XDG_DATA_HOME/chairside`.
public enum StoreLocation {
    public static func resolve(_ option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let option, !option.isEmpty { return option }
        if let env = environment["CHAIRSIDE_STORE"], !env.isEmpty { return env }
        let base = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share"
        return base + "/chairside"
    }
}
