import ChairsideCore
import Foundation

/// Reads the clinic config from `$XDG_CONFIG_HOME/chairside/config.toml` (or a given path).
/// No file means the built-in defaults; a bad file is an error, never a half-configured start.
public enum ConfigFile {
    public static let maxBytes = 1_048_576

    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base =
            environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
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

    /// Saves the console's theme choice into config.toml, keeping the rest of the file as written.
    /// The edited text is checked before it replaces the file, so a save never leaves a config
    /// that the next start would refuse. Written durably (temp, fsync, rename), 0600.
    public static func saveTheme(_ name: String, path: String) throws(ConfigError) {
        var text = ""
        if FileManager.default.fileExists(atPath: path) {
            do {
                let data = try DurableFiles(root: "").read(path, limit: maxBytes)
                guard let t = String(data: data, encoding: .utf8) else {
                    throw ConfigError(file: path, line: 0, key: nil, message: "is not UTF-8 text")
                }
                text = t
            } catch let error as ConfigError {
                throw error
            } catch {
                throw ConfigError(file: path, line: 0, key: nil, message: "could not be read: \(error)")
            }
        }
        let edited = ConfigEdit.settingTheme(name, in: text)
        guard (try? ConfigLoader.load(text: edited, file: path))?.theme == name else {
            throw ConfigError(
                file: path, line: 0, key: "clinic.theme",
                message: "could not be updated automatically; set theme = \"\(name)\" under [clinic] by hand")
        }
        let files = DurableFiles(root: "")
        do {
            try files.makeDirectory((path as NSString).deletingLastPathComponent)
            try files.replace(path, with: Data(edited.utf8))
        } catch {
            throw ConfigError(file: path, line: 0, key: nil, message: "could not be saved: \(error)")
        }
    }
}

/// Where the store lives: `--store`, else CHAIRSIDE_STORE, else `$XDG_DATA_HOME/chairside`.
public enum StoreLocation {
    /// A relative `--store s1` (or `CHAIRSIDE_STORE`) is made absolute against `currentDirectory`, so a
    /// folder that does not exist yet is created where the user stands, not looked up under "".
    public static func resolve(
        _ option: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) -> String {
        func absolute(_ path: String) -> String {
            path.hasPrefix("/")
                ? path : (currentDirectory.hasSuffix("/") ? currentDirectory : currentDirectory + "/") + path
        }
        if let option, !option.isEmpty { return absolute(option) }
        if let env = environment["CHAIRSIDE_STORE"], !env.isEmpty { return absolute(env) }
        let base =
            environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share"
        return base + "/chairside"
    }
}
