/// How many colours the terminal can show, and how a theme colour becomes one of them.
public enum ColorDepth: Equatable, Sendable, CustomStringConvertible {
    /// No colour at all: NO_COLOR, or a terminal such as vt100. Attributes carry every role.
    case none
    /// 8, 16 or 256 palette colours.
    case indexed(Int)
    /// 24-bit colour through a direct-colour terminal description.
    case direct

    /// Picks the depth from the environment and what the terminal description offers.
    /// NO_COLOR (any non-empty value) wins; true colour needs both COLORTERM and a direct-colour description.
    public static func detect(environment: [String: String], hasColors: Bool, colors: Int) -> ColorDepth {
        if let v = environment["NO_COLOR"], !v.isEmpty { return .none }
        guard hasColors, colors >= 8 else { return .none }
        if colors >= 1 << 24 { return wantsTrueColor(environment) ? .direct : .indexed(256) }
        return .indexed(colors >= 256 ? 256 : colors >= 16 ? 16 : 8)
    }

    /// COLORTERM=truecolor (or 24bit) is how terminals announce 24-bit colour.
    public static func wantsTrueColor(_ environment: [String: String]) -> Bool {
        ["truecolor", "24bit"].contains(environment["COLORTERM"]?.lowercased() ?? "")
    }

    /// The direct-colour terminal description to try for a TERM, when COLORTERM asks for true colour:
    /// `xterm-256color` → `xterm-direct`. ncurses draws 24-bit colour only through such a description.
    public static func directTerm(for term: String, environment: [String: String]) -> String? {
        guard wantsTrueColor(environment), !(environment["NO_COLOR"].map { !$0.isEmpty } ?? false) else { return nil }
        if term.hasSuffix("-direct") { return nil }
        guard let base = term.split(separator: "-").first, !base.isEmpty, base != "dumb" else { return nil }
        return base + "-direct"
    }

    /// The colour number to give ncurses: -1 for the terminal default, a palette index,
    /// or a packed 0xRRGGBB on a direct-colour terminal.
    public func number(for color: ThemeColor) -> Int {
        switch (self, color) {
        case (_, .terminalDefault), (.none, _): return -1
        case (.direct, .ansi(let i)) where i < 8:
            return i  // direct descriptions keep 0–7 as the terminal's own ANSI colours
        case (.direct, _):
            // 0–7 mean ANSI colours there, so the few RGB values that low move up to #000008, a black all the same.
            return max(8, color.rgb!.packed)
        case (.indexed(let n), .ansi(let i)) where i < n: return i
        case (.indexed(let n), .palette(let i)) where i < n: return i
        case (.indexed(let n), _): return Self.nearest(color.rgb!, among: n)
        }
    }

    /// The nearest palette entry. With 256 colours the cube and greys (16–255) are searched, since
    /// the first 16 differ from terminal to terminal; with 8 or 16 the ANSI colours are all there is.
    static func nearest(_ c: RGB, among n: Int) -> Int {
        let range = n >= 256 ? 16..<256 : 0..<min(n, 16)
        return range.min { RGB.xterm256($0).distance(to: c) < RGB.xterm256($1).distance(to: c) }!
    }

    public var description: String {
        switch self {
        case .none: "no colour"
        case .indexed(let n): "\(n) colours"
        case .direct: "true colour"
        }
    }
}
