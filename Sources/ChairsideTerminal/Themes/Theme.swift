/// How each style role looks: a foreground, a background and attributes.
/// Theme files in `Themes/` are read into this; the default and monochrome themes are also
/// compiled in, so the console always has something to draw with.
public struct Theme: Equatable, Sendable {
    public enum Attribute: String, CaseIterable, Sendable, Comparable {
        case bold, dim, reverse, underline

        public static func < (a: Attribute, b: Attribute) -> Bool { a.rawValue < b.rawValue }
    }

    public struct Style: Equatable, Sendable {
        public var fg: ThemeColor
        public var bg: ThemeColor
        public var attributes: Set<Attribute>

        public init(
            fg: ThemeColor = .terminalDefault, bg: ThemeColor = .terminalDefault, _ attributes: Set<Attribute> = []
        ) {
            self.fg = fg
            self.bg = bg
            self.attributes = attributes
        }
    }

    public var name: String
    public var description: String
    public var styles: [StyleRole: Style]

    public init(name: String, description: String = "", styles: [StyleRole: Style]) {
        self.name = name
        self.description = description
        self.styles = styles
    }

    public func style(_ role: StyleRole) -> Style { styles[role] ?? Style() }

    /// Dark-room default: the terminal's own colours for text, colour only where it means something.
    /// `Themes/default.toml` says the same; a test keeps the two equal.
    public static let standard = Theme(
        name: "default", description: "Dark terminal; colour only where it carries meaning.",
        styles: [
            .normal: Style(),
            .muted: Style([.dim]),
            .title: Style(fg: .ansi(0), bg: .ansi(6), [.bold]),
            .header: Style(fg: .ansi(6), [.bold]),
            .selected: Style(fg: .ansi(0), bg: .ansi(7)),
            .ok: Style(fg: .ansi(2)),
            .warning: Style(fg: .ansi(3), [.bold]),
            .danger: Style(fg: .ansi(15), bg: .ansi(1), [.bold]),
            .timer: Style(fg: .ansi(6), [.bold]),
            .timerDone: Style(fg: .ansi(0), bg: .ansi(3), [.bold]),
            .keyHint: Style([.dim]),
            .border: Style(fg: .ansi(4)),
        ])

    /// For NO_COLOR and terminals without colour: attributes alone tell the roles apart,
    /// and warnings and danger never rely on colour. `Themes/monochrome.toml` says the same.
    public static let monochrome = Theme(
        name: "monochrome", description: "No colour: bold, reverse and underline only.",
        styles: [
            .normal: Style(),
            .muted: Style([.dim]),
            .title: Style([.bold, .reverse]),
            .header: Style([.bold, .underline]),
            .selected: Style([.reverse]),
            .ok: Style([.underline]),
            .warning: Style([.bold]),
            .danger: Style([.bold, .reverse, .underline]),
            .timer: Style([.bold]),
            .timerDone: Style([.reverse, .underline]),
            .keyHint: Style([.dim]),
            .border: Style(),
        ])

    /// Roles whose meaning must survive without colour: each needs bold, reverse or underline.
    public static let mustNotRelyOnColour: [StyleRole] = [.warning, .danger, .timerDone]
}
