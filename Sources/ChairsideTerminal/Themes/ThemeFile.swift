import ChairsideCore

/// One thing wrong with a theme file, placed so the clinic can find it: file, line, and the role.
public struct ThemeProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var role: String?
    public var message: String

    /// The problem without the file: the role (if any) and what is wrong.
    public var detail: String { (role.map { "role \($0): " } ?? "") + message }

    public var description: String { "\(file):" + (line > 0 ? "\(line): " : " ") + detail }
}

/// Everything wrong with one theme file, one problem per line.
public struct ThemeError: Error, Equatable, Sendable, CustomStringConvertible {
    public var problems: [ThemeProblem]
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// Reads a theme file: a TOML table per style role, each with `fg`, `bg` and `attrs`.
///
///     description = "Dark terminal"
///     [warning]
///     fg = "yellow"         # default, a name, bright-<name>, 0–255 or "#rrggbb"
///     bg = "default"
///     attrs = ["bold"]      # bold, dim, reverse, underline
///
/// Every role must be present, so a theme never falls back piecemeal to something else.
/// All problems are collected, not just the first, so one `themes --check` run shows them all.
public enum ThemeFile {
    public static let roleKeys = ["fg", "bg", "attrs"]

    // A little over a screen: one pass over the file collecting every problem with its line, not just the first.
    public static func parse(_ text: String, name: String, file: String) -> Result<Theme, ThemeError> {
        let document: TOMLDocument
        do {
            document = try TOMLDocument(parsing: text)
        } catch let error as TOMLDocument.ParseError {
            return .failure(
                ThemeError(problems: [ThemeProblem(file: file, line: error.line, role: nil, message: error.message)]))
        } catch {
            return .failure(ThemeError(problems: [ThemeProblem(file: file, line: 0, role: nil, message: "\(error)")]))
        }
        var problems: [ThemeProblem] = []
        func problem(_ line: Int, _ role: String?, _ message: String) {
            problems.append(ThemeProblem(file: file, line: line, role: role, message: message))
        }
        let root = document.root
        var description = ""
        for (key, value, line) in root.values {
            if key == "description", case .string(let s) = value {
                description = s
                continue
            }
            problem(
                line, nil,
                key == "description"
                    ? "description must be text in quotes"
                    : "unknown setting \"\(key)\"; a theme has `description` and one [table] per role")
        }
        for (key, tables) in root.arrays {
            problem(tables.first?.line ?? 0, nil, "[[\(key)]] is not part of a theme; use [\(key)]")
        }
        var styles: [StyleRole: Theme.Style] = [:]
        for (key, table) in root.tables {
            guard let role = StyleRole(rawValue: key) else {
                problem(
                    table.line, nil,
                    "unknown role \"\(key)\"; the roles are \(StyleRole.allCases.map(\.rawValue).joined(separator: ", "))"
                )
                continue
            }
            var style = Theme.Style()
            for (sub, _) in table.tables { problem(table.line, key, "[\(key).\(sub)] is not part of a theme") }
            for (k, value, line) in table.values {
                switch k {
                case "fg", "bg":
                    guard let color = color(value) else {
                        problem(
                            line, key,
                            "\(k) = \(show(value)) is not a colour; use \"default\", a name such as \"cyan\" or \"bright-cyan\", a number 0–255, or \"#rrggbb\""
                        )
                        continue
                    }
                    if k == "fg" { style.fg = color } else { style.bg = color }
                case "attrs":
                    guard case .array(let items) = value else {
                        problem(line, key, "attrs must be a list, such as [\"bold\"]")
                        continue
                    }
                    for item in items {
                        guard case .string(let s) = item, let a = Theme.Attribute(rawValue: s.lowercased()) else {
                            problem(
                                line, key,
                                "attrs: \(show(item)) is not an attribute; use bold, dim, reverse or underline")
                            continue
                        }
                        style.attributes.insert(a)
                    }
                default:
                    problem(line, key, "unknown setting \"\(k)\"; a role has fg, bg and attrs")
                }
            }
            if Theme.mustNotRelyOnColour.contains(role),
                style.attributes.isDisjoint(with: [.bold, .reverse, .underline])
            {
                problem(
                    table.line, key, "needs bold, reverse or underline in attrs, so it still stands out without colour")
            }
            styles[role] = style
        }
        let missing = StyleRole.allCases.filter { styles[$0] == nil }
        if !missing.isEmpty {
            let lastLine = text.split(separator: "\n", omittingEmptySubsequences: false).count
            problem(
                lastLine, nil,
                "missing role\(missing.count == 1 ? "" : "s") \(missing.map(\.rawValue).joined(separator: ", ")); every theme sets all \(StyleRole.allCases.count) roles"
            )
        }
        if !problems.isEmpty { return .failure(ThemeError(problems: problems.sorted { $0.line < $1.line })) }
        return .success(Theme(name: name, description: description, styles: styles))
    }

    private static func color(_ value: TOMLDocument.Value) -> ThemeColor? {
        switch value {
        case .string(let s): ThemeColor(parsing: s)
        case .integer(let i): ThemeColor(index: i)
        default: nil
        }
    }

    private static func show(_ value: TOMLDocument.Value) -> String {
        switch value {
        case .string(let s): "\"\(Visible.text(s))\""
        case .integer(let i): "\(i)"
        case .float(let d): "\(d)"
        case .bool(let b): "\(b)"
        case .array: "a list"
        }
    }
}
