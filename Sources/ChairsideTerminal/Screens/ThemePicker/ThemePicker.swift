import ChairsideCore

/// What the console knows about themes: the library, how many colours this terminal has,
/// and the config file a choice is saved to (nil: choices last until the console closes).
public struct ThemeDesk: Sendable {
    public var library: ThemeLibrary
    public var depth: ColorDepth
    public var configPath: String?

    public init(
        library: ThemeLibrary = ThemeLibrary(sources: []), depth: ColorDepth = .indexed(256), configPath: String? = nil
    ) {
        self.library = library
        self.depth = depth
        self.configPath = configPath
    }
}

/// The theme picker: moving the cursor restyles the whole console at once, Enter keeps the
/// theme and saves it to config.toml, Esc goes back to the theme in use before.
public struct ThemePicker: Equatable, Sendable {
    public var names: [String]
    public var selected: Int
    /// The theme in use when the picker opened, restored on Esc.
    public var original: String

    public var current: String { names[selected] }

    enum Action: Sendable { case up, down, first, last, use, cancel, help }

    static let keys = KeyTable<Action>([
        KeyBinding("↑↓", "preview", [(.up, .up), (.char("k"), .up), (.down, .down), (.char("j"), .down)]),
        KeyBinding("Home End", "first / last", hint: false, [(.home, .first), (.end, .last)]),
        KeyBinding(.enter, "Enter", "use and save", .use),
        CommonKeys.help(.help),
        KeyBinding("Esc", "cancel", [(.escape, .cancel), (.char("q"), .cancel)]),
    ])

    static func open(_ m: inout AppModel) {
        let names = m.env.themes.library.entries.map(\.name)
        m.overlay = .themes(
            ThemePicker(names: names, selected: names.firstIndex(of: m.themeName) ?? 0, original: m.themeName))
    }

    static func update(_ key: Key, _ picker: ThemePicker, _ m: inout AppModel) -> [Effect] {
        var p = picker
        guard let action = keys.action(for: key) else {
            if case .char = key { m.say("\(key.label) does nothing here; ↑↓ preview, Enter use and save, Esc cancel.") }
            return []
        }
        switch action {
        case .help:
            m.helpOpen = true
            return []
        case .up: p.selected = max(0, p.selected - 1)
        case .down: p.selected = min(p.names.count - 1, p.selected + 1)
        case .first: p.selected = 0
        case .last: p.selected = p.names.count - 1
        case .cancel:
            m.overlay = nil
            m.themeName = p.original
            m.say("Theme unchanged: \(p.original).")
            return [.restyle]
        case .use: return use(p, &m)
        }
        m.overlay = .themes(p)
        guard p.current != m.themeName else { return [] }
        m.themeName = p.current
        return [.restyle]
    }

    private static func use(_ p: ThemePicker, _ m: inout AppModel) -> [Effect] {
        if case .failure(let error)? = m.env.themes.library.entry(named: p.current)?.theme {
            m.say(
                "\(error.problems.first?.description ?? p.current) — fix the file and reopen the console, or pick another theme.",
                .warning)
            return []
        }
        m.overlay = nil
        m.themeName = p.current
        m.config.theme = p.current
        guard let path = m.env.themes.configPath else {
            m.say("Theme \(p.current) is in use until the console closes.")
            return [.restyle]
        }
        m.say("Theme \(p.current) is in use; saving it in \(path)…")
        return [.restyle, .saveTheme(name: p.current, path: path)]
    }

    static func draw(_ p: ThemePicker, desk: ThemeDesk, in area: Rect, into c: inout Canvas) {
        let w = min(area.width - 4, 76)
        let sample = wrapRoles(width: w - 4)
        let listRows = min(p.names.count, max(3, area.height - 7 - sample.count))
        let h = listRows + sample.count + 6
        let x = area.x + (area.width - w) / 2
        let y = area.y + max(0, (area.height - h) / 2)
        c.fill(x: x, y: y, width: w, height: h, role: .normal)
        c.box(x: x, y: y, width: w, height: h, title: "Theme")
        let first = min(max(0, p.selected - listRows + 1), max(0, p.names.count - listRows))
        for (row, i) in (first..<min(p.names.count, first + listRows)).enumerated() {
            let name = p.names[i]
            let entry = desk.library.entry(named: name)
            var about =
                entry.map { e -> String in
                    switch e.theme {
                    case .success(let t): t.description
                    case .failure(let error):
                        "cannot be used: " + (error.problems.first.map { "line \($0.line): \($0.detail)" } ?? "")
                    }
                } ?? ""
            if let e = entry, !e.shadows.isEmpty { about = "(over \(e.shadows.joined(separator: ", "))) " + about }
            let broken = if case .failure? = entry?.theme { true } else { false }
            let line =
                (i == p.selected ? "> " : "  ") + DisplayWidth.pad(Visible.text(name), to: 15) + " "
                + DisplayWidth.pad(entry?.origin ?? "", to: 10) + Visible.text(about)
            c.put(
                DisplayWidth.truncate(line, to: w - 4), x: x + 2, y: y + 1 + row,
                role: i == p.selected ? .selected : (broken ? .warning : .normal))
        }
        var yy = y + 2 + listRows
        for row in sample {
            var xx = x + 2
            for role in row {
                xx += c.put(role.rawValue, x: xx, y: yy, role: role) + 1
            }
            yy += 1
        }
        c.put("This terminal: \(desk.depth).", x: x + 2, y: yy, role: .muted, maxWidth: w - 4)
        c.put("↑↓ preview · Enter use and save · Esc cancel", x: x + 2, y: y + h - 2, role: .keyHint, maxWidth: w - 4)
    }

    /// Every role's name drawn in its own style, wrapped to the box: the preview of each role.
    private static func wrapRoles(width: Int) -> [[StyleRole]] {
        var rows: [[StyleRole]] = [[]]
        var used = 0
        for role in StyleRole.allCases {
            let w = role.rawValue.count + 1
            if used + w > width, !rows[rows.count - 1].isEmpty {
                rows.append([])
                used = 0
            }
            rows[rows.count - 1].append(role)
            used += w
        }
        return rows
    }
}
