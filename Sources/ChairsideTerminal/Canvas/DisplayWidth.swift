import CNCurses
import ChairsideCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Terminal column widths per grapheme, via the C library's `wcwidth` (what ncurses uses too).
public enum DisplayWidth {
    /// wcwidth answers by the C locale; make sure it is a UTF-8 one, or every CJK name counts as width -1.
    private static let localeReady: Bool = {
        let current = setlocale(LC_CTYPE, nil).map { String(cString: $0) } ?? "C"
        if !current.uppercased().contains("UTF-8") && !current.uppercased().contains("UTF8") {
            if setlocale(LC_CTYPE, "C.UTF-8") == nil { _ = setlocale(LC_CTYPE, "en_US.UTF-8") }
        }
        return true
    }()

    public static func of(_ c: Character) -> Int {
        _ = localeReady
        guard let first = c.unicodeScalars.first else { return 0 }
        if c.unicodeScalars.count > 1, c.unicodeScalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        let w = cs_wcwidth(wchar_t(bitPattern: first.value))
        if w < 0 { return 1 }  // controls never reach here (Visible.text), but never trust -1
        return Int(w)
    }

    public static func of(_ s: String) -> Int { s.reduce(0) { $0 + of($1) } }

    /// Cuts to at most `width` columns, ending in "…" when something was cut.
    public static func truncate(_ s: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        if of(s) <= width { return s }
        var out = ""
        var used = 0
        for c in s {
            let w = of(c)
            if used + w > width - 1 { break }
            out.append(c)
            used += w
        }
        return out + "…"
    }

    /// Pads (or truncates) to exactly `width` columns.
    public static func pad(_ s: String, to width: Int, alignRight: Bool = false) -> String {
        let t = truncate(s, to: width)
        let fill = String(repeating: " ", count: max(0, width - of(t)))
        return alignRight ? fill + t : t + fill
    }

    /// The last `width` columns of `s`: what stays in sight at the end of a long entry.
    public static func tail(_ s: String, to width: Int) -> String {
        var out: [Character] = []
        var used = 0
        for c in s.reversed() {
            let w = of(c)
            if used + w > width { break }
            out.append(c)
            used += w
        }
        return String(out.reversed())
    }

    /// Wraps at spaces to `width` display columns; nothing is cut, a long word is broken.
    public static func wrap(_ s: String, width: Int) -> [String] {
        TextWrap.wrap(s, width: width, measure: of).split(separator: "\n", omittingEmptySubsequences: false).map(
            String.init)
    }
}
