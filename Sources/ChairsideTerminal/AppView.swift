import ChairsideCore
import ChairsideStore
import Foundation

/// Draws the model into a canvas. Pure: the same model and time give the same screen.
public enum AppView {
    public static func render(_ m: AppModel, now: Date, themes: ThemeDesk = ThemeDesk()) -> Canvas {
        var c = Canvas(width: m.width, height: m.height)
        if m.hidden { return privacyScreen(m, now: now) }
        if m.tooSmall {
            let lines = ["Terminal too small: \(m.width)x\(m.height).", "Chairside needs at least \(AppModel.minWidth)x\(AppModel.minHeight).", "Enlarge the window; nothing is lost."]
            for (i, l) in lines.enumerated() {
                let y = max(0, m.height / 2 - 1 + i)
                c.put(l, x: max(0, (m.width - DisplayWidth.of(l)) / 2), y: y, role: i == 0 ? .warning : .normal)
            }
            return c
        }
        switch m.screen {
        case .today: DayReviewView.draw(m, now: now, into: &c)
        case .history: HistoryView.draw(m, into: &c)
        case .newSession: NewSessionView.draw(m, into: &c)
        case .session: SessionView.draw(m, now: now, into: &c)
        }
        drawFooter(m, into: &c)
        switch m.overlay {
        case .help: drawHelp(m, into: &c)
        case let .form(form, _): form.render(into: &c, screenWidth: m.width, screenHeight: m.height)
        case let .confirm(text, _):
            let w = min(m.width - 8, max(40, DisplayWidth.of(text) + 4))
            let lines = wrap(text, width: w - 4)
            let h = lines.count + 4
            let x = (m.width - w) / 2, y = (m.height - h) / 2
            c.box(x: x, y: y, width: w, height: h, title: "Confirm")
            for (i, l) in lines.enumerated() { c.put(l, x: x + 2, y: y + 1 + i, role: .warning) }
            c.put("y yes · n no", x: x + 2, y: y + h - 2, role: .keyHint)
        case .sheet(let preview): SheetPreviewView.draw(preview, m, into: &c)
        case .themes(let picker): ThemePicker.draw(picker, m, desk: themes, into: &c)
        case nil: break
        }
        return c
    }

    static func drawFooter(_ m: AppModel, into c: inout Canvas) {
        let hints = keys(for: m).filter(\.hint).map { "\($0.keys) \($0.action)" }
        var line = ""
        for h in hints {
            let next = line.isEmpty ? h : line + " · " + h
            if DisplayWidth.of(next) > m.width - 1 { break }
            line = next
        }
        c.hline(y: m.height - 3)
        c.put(line, x: 0, y: m.height - 2, role: .keyHint)
        if let status = m.status {
            c.put(DisplayWidth.truncate(status.text, to: m.width), x: 0, y: m.height - 1, role: status.role)
        }
    }

    static func drawHelp(_ m: AppModel, into c: inout Canvas) {
        let list = keys(for: m) + [KeyHelp("Ctrl-P", "hide the screen (privacy)", hint: false)]
        let w = min(m.width - 4, 70)
        let h = min(m.height - 2, list.count + 4)
        let x = (m.width - w) / 2, y = (m.height - h) / 2
        c.box(x: x, y: y, width: w, height: h, title: "Keys")
        for (i, k) in list.prefix(h - 4).enumerated() {
            c.put(DisplayWidth.pad(k.keys, to: 14), x: x + 2, y: y + 1 + i, role: .keyHint)
            c.put(k.action, x: x + 17, y: y + 1 + i, maxWidth: w - 19)
        }
        c.put("any key closes this help", x: x + 2, y: y + h - 2, role: .muted)
    }

    /// Every key of the current screen: the hint bar shows the marked ones, `?` shows all.
    /// What shows while the console is hidden: the clinic, the time and whether a numbing timer
    /// needs attention — never a name, a chart number or a session's details.
    static func privacyScreen(_ m: AppModel, now: Date) -> Canvas {
        var c = Canvas(width: m.width, height: m.height)
        var lines = [(Visible.text(m.config.clinicName), StyleRole.title), (Clock.hhmm(now, timeZone: m.timeZone), .normal), ("", .normal),
                     ("Screen hidden to protect patient privacy.", .normal), ("Press any key to return; nothing is lost.", .muted)]
        if let status = m.status, status.role == .timerDone { lines += [("", .normal), (status.text, .timerDone)] }
        let top = max(0, (m.height - lines.count) / 2)
        for (i, (text, role)) in lines.enumerated() where top + i < m.height {
            c.put(text, x: max(0, (m.width - DisplayWidth.of(text)) / 2), y: top + i, role: role)
        }
        return c
    }

    public static func keys(for m: AppModel) -> [KeyHelp] {
        if case .sheet(let preview) = m.overlay { return SheetPreviewView.keys(preview) }
        if case .themes = m.overlay { return ThemePicker.keys() }
        switch m.screen {
        case .today:
            return [KeyHelp("n", "new session"), KeyHelp("Enter", "open"), KeyHelp("← →", "day"), KeyHelp("g", "go to date"),
                    KeyHelp("t", "today", hint: false), KeyHelp("H", "patient history"), KeyHelp("↑↓", "select", hint: false),
                    KeyHelp("r", "refresh", hint: false), KeyHelp("T", "theme", hint: false), KeyHelp("?", "help"), KeyHelp("q", "quit")]
        case .history:
            return [KeyHelp("↑↓", "select"), KeyHelp("Enter", "open session"), KeyHelp("Esc", "back"), KeyHelp("?", "help")]
        case .newSession:
            return [KeyHelp("type", "search name or chart no."), KeyHelp("↑↓", "select"), KeyHelp("Enter", "start session"),
                    KeyHelp("Ctrl-N", "new patient"), KeyHelp("→", "history"), KeyHelp("Ctrl-U", "clear search", hint: false), KeyHelp("Esc", "back")]
        case .session:
            guard let s = m.session else { return [] }
            if s.detail {
                return [KeyHelp("↑↓ PgUp PgDn", "scroll"), KeyHelp("t", "panels"), KeyHelp("n", s.state.isClosed ? "amendment" : "note"),
                        KeyHelp("v", "aftercare sheet"), KeyHelp("H", "patient history"), KeyHelp("?", "help"), KeyHelp("q", "leave")]
            }
            var list: [KeyHelp]
            switch s.panel {
            case .screening:
                list = s.state.screeningDone
                    ? [KeyHelp("c", "consent"), KeyHelp("o", "provider override")]
                    : [KeyHelp("↑↓", "item"), KeyHelp("Space", "yes/no"), KeyHelp("s", "save screening"), KeyHelp("c", "consent", hint: false), KeyHelp("o", "override", hint: false)]
            case .prp:
                list = [KeyHelp("b", "blood draw"), KeyHelp("g", "spin"), KeyHelp("x", "stop spin"), KeyHelp("r", "PRP ready"), KeyHelp("f", "growth factors")]
            case .numbing:
                list = [KeyHelp("a", "apply"), KeyHelp("r", "remove"), KeyHelp("l", "cleanse"), KeyHelp("k", "skip numbing")]
            case .needling:
                list = [KeyHelp("↑↓", "zone"), KeyHelp("+ -", "depth"), KeyHelp("Enter", "log pass")]
            case .prpApplied:
                list = [KeyHelp("a", "apply PRP")]
            case .postCare:
                list = [KeyHelp("a", "add product")]
            case .aftercare:
                list = s.state.aftercare == nil
                    ? [KeyHelp("v", "preview sheet"), KeyHelp("h", "handed sheet"), KeyHelp("d", "declined")]
                    : [KeyHelp("v", "reprint / save copy"), KeyHelp("C", "complete")]
            }
            if s.state.isClosed { list = s.panel == .aftercare && s.state.aftercare != nil ? [KeyHelp("v", "reprint / save copy")] : [] }
            list += [
                KeyHelp("1-7", "panel"), KeyHelp("n", s.state.isClosed ? "amendment" : "note"),
                KeyHelp("u", "undo", hint: !s.state.isClosed), KeyHelp("e", "adverse event", hint: false),
                KeyHelp("p", s.state.pausedAt == nil ? "pause" : "resume", hint: false),
                KeyHelp("C", "complete", hint: false), KeyHelp("A", "abort", hint: false),
                KeyHelp("Tab", "next panel", hint: false), KeyHelp("[ ]", "scroll timeline", hint: false),
                KeyHelp("t", "full timeline", hint: false), KeyHelp("H", "patient history", hint: false),
                KeyHelp("T", "theme", hint: false), KeyHelp("?", "help"), KeyHelp("q", "leave"),
            ]
            return list
        }
    }

    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            let next = line.isEmpty ? String(word) : line + " " + word
            if DisplayWidth.of(next) > width && !line.isEmpty {
                lines.append(line)
                line = String(word)
            } else {
                line = next
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    static func header(_ title: String, right: String, into c: inout Canvas) {
        c.fill(x: 0, y: 0, width: c.width, height: 1, role: .title)
        let rw = DisplayWidth.of(right)
        c.put(title, x: 1, y: 0, role: .title, maxWidth: c.width - rw - 3)
        c.put(right, x: c.width - rw - 1, y: 0, role: .title)
    }
}

enum NewSessionView {
    static func draw(_ m: AppModel, into c: inout Canvas) {
        AppView.header("New session · find the patient", right: "", into: &c)
        c.put("Patient: ", x: 1, y: 2, role: .header)
        c.put(Visible.text(m.newSession.query) + "▏", x: 10, y: 2, maxWidth: m.width - 12)
        let table = TextTable(columns: [.init("Name", width: 0), .init("Chart", width: 10), .init("Born", width: 10), .init("Skin", width: 4)], totalWidth: m.width - 2)
        c.put(table.row(table.columns.map(\.title)), x: 1, y: 4, role: .header)
        let results = m.newSession.results
        if results.isEmpty {
            c.put(m.newSession.query.isEmpty ? "No patients yet: press Ctrl-N to add the first." : "No match. Ctrl-N adds a new patient with this name.", x: 1, y: 5, role: .muted)
        }
        let visible = m.height - 9
        let first = max(0, m.newSession.selected - visible + 1)
        for (i, p) in results.enumerated().dropFirst(first).prefix(visible) {
            let y = 5 + i - first
            let selected = i == m.newSession.selected
            if selected { c.fill(x: 0, y: y, width: m.width, height: 1, role: .selected) }
            let cells = [Visible.text(p.name), Visible.text(p.chartNumber), p.dateOfBirth?.description ?? "", p.fitzpatrick.map(Roman.numeral) ?? ""]
            c.put(table.row(cells), x: 1, y: y, role: selected ? .selected : .normal)
        }
    }
}

enum Roman {
    static func numeral(_ n: Int) -> String { ["", "I", "II", "III", "IV", "V", "VI"][max(0, min(6, n))] }
}

/// Fixed-width columns that line up whatever the script: widths are display columns.
/// A column of width 0 takes the space the others leave.
public struct TextTable: Sendable {
    public struct Column: Sendable {
        public var title: String
        public var width: Int
        public var alignRight: Bool
        public init(_ title: String, width: Int, alignRight: Bool = false) { self.title = title; self.width = width; self.alignRight = alignRight }
    }

    public var columns: [Column]

    public init(columns: [Column], totalWidth: Int) {
        let fixed = columns.filter { $0.width > 0 }.reduce(0) { $0 + $1.width } + (columns.count - 1) * 2
        self.columns = columns.map { col in
            var col = col
            if col.width == 0 { col.width = max(8, totalWidth - fixed) }
            return col
        }
    }

    /// Where column `index` starts, counted from the table's left edge.
    public func offset(ofColumn index: Int) -> Int {
        columns.prefix(index).reduce(0) { $0 + $1.width + 2 }
    }

    public func row(_ cells: [String]) -> String {
        zip(columns, cells).map { DisplayWidth.pad($1, to: $0.width, alignRight: $0.alignRight) }.joined(separator: "  ")
    }
}
