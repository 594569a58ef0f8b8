/// Wraps text to a column width at spaces. A continued line is indented under the text of
/// its first line, so a "  - " bullet keeps a hanging indent. A word longer than the width is cut.
public enum TextWrap {
    public static func wrap(_ text: String, width: Int, measure: (String) -> Int = { $0.count }) -> String {
        let width = max(width, 8)
        var out: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            out.append(contentsOf: wrapLine(String(line), width: width, measure: measure))
        }
        return out.joined(separator: "\n")
    }

    static func wrapLine(_ line: String, width: Int, measure: (String) -> Int) -> [String] {
        guard measure(line) > width else { return [line] }
        let lead = line.prefix { $0 == " " }
        var hanging = String(lead)
        let afterLead = line.dropFirst(lead.count)
        if afterLead.hasPrefix("- ") || afterLead.hasPrefix("• ") { hanging += "  " }
        if measure(hanging) > width / 2 { hanging = "" }

        var lines: [String] = []
        var current = String(lead)
        var currentHasWord = false
        for word in afterLead.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            let candidate = currentHasWord ? current + " " + word : current + word
            if measure(candidate) <= width {
                current = candidate
                currentHasWord = true
                continue
            }
            if currentHasWord {
                lines.append(current)
                current = hanging
            }
            var rest = word
            while measure(current + rest) > width {
                var piece = ""
                for ch in rest {
                    if measure(current + piece + String(ch)) > width { break }
                    piece.append(ch)
                }
                if piece.isEmpty { piece = String(rest.first!) }
                lines.append(current + piece)
                rest.removeFirst(piece.count)
                current = hanging
            }
            current += rest
            currentHasWord = true
        }
        lines.append(current)
        return lines
    }
}
