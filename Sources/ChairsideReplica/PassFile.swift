import ChairsideCore
import Foundation

/// The replica's password: from `password_file` in config, else `PGPASSFILE`, else `~/.pgpass`,
/// in libpq's passfile form (`host:port:database:user:password`, `*` matching anything, `\`
/// escaping `:` and `\`). It is read here and handed to the driver; it is never put on a command
/// line, in the environment of a child, in a log line or in an error.
public enum PassFile {
    public static func password(
        for settings: ReplicaSettings,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> String {
        let path =
            settings.passwordFile ?? environment["PGPASSFILE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.pgpass"
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw ReplicaError.noPassword(file: path, url: settings.displayURL)
        }
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let fields = split(String(line))
            guard fields.count == 5 else { continue }
            let wanted = [settings.host, String(settings.port), settings.database, settings.user]
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        throw ReplicaError.noPassword(file: path, url: settings.displayURL)
    }

    /// Splits a passfile line on unescaped colons, removing the escapes.
    static func split(_ line: String) -> [String] {
        var fields: [String] = []
        var field = ""
        var escaped = false
        for c in line {
            if escaped {
                field.append(c)
                escaped = false
                continue
            }
            if c == "\\" {
                escaped = true
                continue
            }
            if c == ":" {
                fields.append(field)
                field = ""
                continue
            }
            field.append(c)
        }
        fields.append(field)
        return fields
    }
}
