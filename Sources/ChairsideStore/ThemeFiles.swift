import Foundation

/// A theme file found on disk, before it is parsed.
public struct ThemeSource: Sendable, Equatable {
    /// Where a theme comes from, highest priority first.
    public enum Origin: String, Sendable, Comparable, CaseIterable {
        /// `$XDG_CONFIG_HOME/chairside/themes`: the clinic's own, overriding the rest by name.
        case user
        /// `<prefix>/share/chairside/themes` beside an installed binary.
        case installed
        /// `Themes/` of the source tree the binary was built from (`swift run` in a clone).
        case shipped

        public static func < (a: Origin, b: Origin) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    public var name: String
    public var origin: Origin
    public var path: String
    /// The file's text, or why it could not be read.
    public var text: Result<String, ThemeReadError>
    /// Lower-priority files of the same name that this one hides.
    public var shadows: [Origin] = []
}

/// Why a theme file could not be read, without its path (the caller names the file).
public struct ThemeReadError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Finds theme files. Names come from file names (`light.toml` is "light"), so a user file
/// overrides a shipped one by having the same name.
public enum ThemeFiles {
    public static let maxBytes = 262_144

    public static func userDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        (ConfigFile.defaultPath(environment: environment) as NSString).deletingLastPathComponent + "/themes"
    }

    /// The running binary, symlinks resolved, so an installed link still finds its share folder.
    public static func executablePath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// Where shipped themes may be: `../share/chairside/themes` from the binary's folder (an install),
    /// then the `Themes/` folder of the package the binary sits in (`.build/<triple>/debug/` in a clone).
    public static func shippedDirectories(executable: String) -> [(ThemeSource.Origin, String)] {
        let bin = ((executable as NSString).resolvingSymlinksInPath as NSString).deletingLastPathComponent
        var found: [(ThemeSource.Origin, String)] = []
        let share = ((bin as NSString).deletingLastPathComponent as NSString).appendingPathComponent(
            "share/chairside/themes")
        if isDirectory(share) { found.append((.installed, share)) }
        var dir = bin
        for _ in 0..<6 {
            let themes = dir + "/Themes"
            if FileManager.default.fileExists(atPath: dir + "/Package.swift"), isDirectory(themes) {
                found.append((.shipped, themes))
                break
            }
            let parent = (dir as NSString).deletingLastPathComponent
            if parent == dir { break }
            dir = parent
        }
        return found
    }

    /// Every theme by name, the winning file for each, sorted by name.
    public static func discover(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        executable: String = executablePath()
    ) -> [ThemeSource] {
        let directories =
            [(ThemeSource.Origin.user, userDirectory(environment: environment))]
            + shippedDirectories(executable: executable)
        var byName: [String: ThemeSource] = [:]
        for (origin, dir) in directories {
            for file in themeFiles(in: dir) {
                let name = String(file.dropLast(5))
                if byName[name] != nil {
                    byName[name]!.shadows.append(origin)
                    continue
                }
                byName[name] = ThemeSource(
                    name: name, origin: origin, path: dir + "/" + file, text: read(dir + "/" + file))
            }
        }
        return byName.values.sorted { $0.name < $1.name }
    }

    static func themeFiles(in dir: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(".toml") && !$0.hasPrefix(".") && $0.count > 5 }.sorted()
    }

    /// Reads one theme file; the error says what to do.
    public static func read(_ path: String) -> Result<String, ThemeReadError> {
        guard FileManager.default.fileExists(atPath: path) else {
            return .failure(ThemeReadError(message: "there is no such file"))
        }
        let data: Data
        do {
            data = try DurableFiles(root: "").read(path, limit: maxBytes)
        } catch StoreError.tooLarge {
            return .failure(
                ThemeReadError(
                    message: "is larger than \(maxBytes / 1024) KiB, which no theme needs; is it the right file?"))
        } catch StoreError.io(_, _, let code) {
            return .failure(ThemeReadError(message: "cannot be read: \(String(cString: strerror(code)))"))
        } catch {
            return .failure(ThemeReadError(message: "cannot be read: \(error)"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(ThemeReadError(message: "is not UTF-8 text; save it as UTF-8"))
        }
        return .success(text)
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }
}
