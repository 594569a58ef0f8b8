/// How each style role looks. The built-in default is compiled in; theme files come later (Themes/).
public struct Theme: Sendable {
    public enum Color: Int16, Sendable {
        case terminalDefault = -1, black = 0, red, green, yellow, blue, magenta, cyan, white
    }

    public struct Style: Sendable {
        public var fg: Color
        public var bg: Color
        public var bold = false
        public var dim = false
        public var reverse = false
        public var underline = false
    }

    public var styles: [StyleRole: Style]

    /// Dark-room default: calm text, colour only where it means something.
    public static let standard = Theme(styles: [
        .normal: Style(fg: .terminalDefault, bg: .terminalDefault),
        .muted: Style(fg: .terminalDefault, bg: .terminalDefault, dim: true),
        .title: Style(fg: .black, bg: .cyan, bold: true),
        .header: Style(fg: .cyan, bg: .terminalDefault, bold: true),
        .selected: Style(fg: .black, bg: .white),
        .ok: Style(fg: .green, bg: .terminalDefault),
        .warning: Style(fg: .yellow, bg: .terminalDefault, bold: true),
        .danger: Style(fg: .white, bg: .red, bold: true),
        .timer: Style(fg: .cyan, bg: .terminalDefault, bold: true),
        .timerDone: Style(fg: .black, bg: .yellow, bold: true),
        .keyHint: Style(fg: .terminalDefault, bg: .terminalDefault, dim: true),
        .border: Style(fg: .blue, bg: .terminalDefault),
    ])

    /// For NO_COLOR and terminals without colour: attributes alone keep every role distinguishable,
    /// and warnings and danger never rely on colour.
    public static let monochrome = Theme(styles: [
        .normal: Style(fg: .terminalDefault, bg: .terminalDefault),
        .muted: Style(fg: .terminalDefault, bg: .terminalDefault, dim: true),
        .title: Style(fg: .terminalDefault, bg: .terminalDefault, bold: true, reverse: true),
        .header: Style(fg: .terminalDefault, bg: .terminalDefault, bold: true, underline: true),
        .selected: Style(fg: .terminalDefault, bg: .terminalDefault, reverse: true),
        .ok: Style(fg: .terminalDefault, bg: .terminalDefault),
        .warning: Style(fg: .terminalDefault, bg: .terminalDefault, bold: true),
        .danger: Style(fg: .terminalDefault, bg: .terminalDefault, bold: true, reverse: true, underline: true),
        .timer: Style(fg: .terminalDefault, bg: .terminalDefault, bold: true),
        .timerDone: Style(fg: .terminalDefault, bg: .terminalDefault, bold: true, reverse: true),
        .keyHint: Style(fg: .terminalDefault, bg: .terminalDefault, dim: true),
        .border: Style(fg: .terminalDefault, bg: .terminalDefault),
    ])
}
