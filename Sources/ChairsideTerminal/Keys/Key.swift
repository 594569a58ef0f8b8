/// A key press, decoded from the terminal by the backend.
public enum Key: Hashable, Sendable {
    case char(Character)
    case ctrl(Character)
    case enter, escape, backspace, tab, backTab, delete
    case up, down, left, right, pageUp, pageDown, home, end
    case function(Int)
    case unknown

    /// What a person calls it, for the help screen.
    public var label: String {
        switch self {
        case .char(" "): "Space"
        case .char(let c): String(c)
        case .ctrl(let c): "Ctrl-\(c.uppercased())"
        case .enter: "Enter"
        case .escape: "Esc"
        case .backspace: "Backspace"
        case .tab: "Tab"
        case .backTab: "Shift-Tab"
        case .delete: "Delete"
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .function(let n): "F\(n)"
        case .unknown: "?"
        }
    }
}

/// One line of the help screen and of the on-screen key hints.
public struct KeyHelp: Equatable, Sendable {
    public var keys: String
    public var action: String
    /// Shown in the hint bar, not only under `?`.
    public var hint: Bool

    public init(_ keys: String, _ action: String, hint: Bool = true) {
        self.keys = keys
        self.action = action
        self.hint = hint
    }
}
