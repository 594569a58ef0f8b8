/// Changes one setting in the text of config.toml and keeps everything else — comments,
/// order, spacing — as the clinic wrote it. Used when the console saves a choice.
public enum ConfigEdit {
    /// Sets `theme = "name"` under `[clinic]`: replaces the line if there is one, else adds it
    /// right after the header, else appends a `[clinic]` table.
    public static func settingTheme(_ name: String, in text: String) -> String {
        let setting = "theme = \(quoted(name))"
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        func header(_ line: String) -> String? {
            let t = line.trimmingSpaces()
            guard t.hasPrefix("["), let end = t.firstIndex(of: "]") else { return nil }
            return String(t[t.index(after: t.startIndex)..<end]).trimmingSpaces()
        }
        guard let start = lines.firstIndex(where: { header($0) == "clinic" }) else {
            if let last = lines.last, !last.trimmingSpaces().isEmpty { lines.append("") }
            return (lines + ["[clinic]", setting]).joined(separator: "\n") + "\n"
        }
        var end = start + 1
        while end < lines.count, header(lines[end]) == nil { end += 1 }
        if let i = (start + 1..<end).first(where: { isThemeLine(lines[$0]) }) {
            let indent = lines[i].prefix { $0 == " " || $0 == "\t" }
            lines[i] = indent + setting
        } else {
            lines.insert(setting, at: start + 1)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func isThemeLine(_ line: String) -> Bool {
        let t = line.trimmingSpaces()
        guard t.hasPrefix("theme") else { return false }
        return t.dropFirst(5).trimmingSpaces().hasPrefix("=")
    }

    /// A TOML basic string.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case _ where u.value < 0x20 || u.value == 0x7F:
                out +=
                    "\\u" + String(repeating: "0", count: 4 - String(u.value, radix: 16).count)
                    + String(u.value, radix: 16, uppercase: true)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}
