/// One line of a screen's key table: the keys, what they do, whether the hint bar shows them,
/// and the action each key dispatches to. Help-only lines (such as "type") have no keys.
public struct KeyBinding<Action: Sendable>: Sendable {
    public var label: String
    public var help: String
    public var hint: Bool
    public var keys: [(Key, Action)]

    public init(_ label: String, _ help: String, hint: Bool = true, _ keys: [(Key, Action)]) {
        self.label = label
        self.help = help
        self.hint = hint
        self.keys = keys
    }

    /// One key, one action.
    public init(_ key: Key, _ label: String, _ help: String, hint: Bool = true, _ action: Action) {
        self.init(label, help, hint: hint, [(key, action)])
    }
}

/// A screen's keys. The same table drives dispatch, the hint bar and the `?` help, so the three
/// can never disagree.
public struct KeyTable<Action: Sendable>: Sendable {
    public var bindings: [KeyBinding<Action>]

    public init(_ bindings: [KeyBinding<Action>]) { self.bindings = bindings }

    public func action(for key: Key) -> Action? {
        for binding in bindings {
            if let match = binding.keys.first(where: { $0.0 == key }) { return match.1 }
        }
        return nil
    }

    public var help: [KeyHelp] { bindings.map { KeyHelp($0.label, $0.help, hint: $0.hint) } }

    /// A table that only documents keys handled elsewhere (a form's editing keys).
    static func help(_ lines: [(String, String)], hints: Set<String> = []) -> KeyTable {
        KeyTable(lines.map { KeyBinding($0.0, $0.1, hint: hints.contains($0.0), []) })
    }
}

/// Keys that mean the same on every screen; each screen's table lists the ones it offers.
enum CommonKeys {
    static func help<A>(_ action: A) -> KeyBinding<A> { KeyBinding(.char("?"), "?", "help", action) }
    static func theme<A>(_ action: A) -> KeyBinding<A> { KeyBinding(.char("T"), "T", "theme", hint: false, action) }
    static let privacy = KeyHelp("Ctrl-P", "hide the screen (privacy)", hint: false)
}
