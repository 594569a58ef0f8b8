import ChairsideCore
import Foundation

/// Draws the model into a canvas. Pure: the same model and time give the same screen.
public enum AppView {
    /// Rows under the screen: a rule, the key hints, the status line.
    static let footerHeight = 3

    /// The status message wrapped to the screen's width: a long one takes more rows rather than
    /// being cut (up to a third of the screen, which holds any message the console says).
    static func statusLines(_ m: AppModel) -> [String] {
        guard let status = m.status else { return [] }
        let lines = DisplayWidth.wrap(status.text, width: m.width - 1)
        let most = max(1, m.height / 3)
        guard lines.count > most else { return lines }
        return Array(lines.prefix(most - 1)) + [DisplayWidth.truncate(lines[most - 1], to: m.width - 2) + "…"]
    }

    public static func render(_ m: AppModel, now: Date) -> Canvas {
        var c = Canvas(width: m.width, height: m.height)
        if m.hidden { return privacyScreen(m, now: now) }
        if m.tooSmall {
            let lines = [
                "Terminal too small: \(m.width)x\(m.height).",
                "Chairside needs at least \(AppModel.minWidth)x\(AppModel.minHeight).",
                "Enlarge the window; nothing is lost.",
            ]
            for (i, l) in lines.enumerated() {
                let y = max(0, m.height / 2 - 1 + i)
                c.put(l, x: max(0, (m.width - DisplayWidth.of(l)) / 2), y: y, role: i == 0 ? .warning : .normal)
            }
            return c
        }
        let footer = footerHeight - 1 + max(1, statusLines(m).count)
        let body = Rect(x: 0, y: 0, width: m.width, height: m.height - footer)
        switch m.screen {
        case .today: DayReviewView.draw(m, now: now, in: body, into: &c)
        case .history: HistoryView.draw(m, in: body, into: &c)
        case .newSession: NewSessionView.draw(m, in: body, into: &c)
        case .session: SessionView.draw(m, now: m.session?.stepTime ?? now, in: body, into: &c)
        case .due: DueView.draw(m, in: body, into: &c)
        case .lots: LotsView.draw(m, now: now, in: body, into: &c)
        case .recall: RecallView.draw(m, in: body, into: &c)
        }
        drawFooter(m, in: Rect(x: 0, y: body.maxY + 1, width: m.width, height: footer), into: &c)
        switch m.overlay {
        case .form(let form): FormView.draw(form, in: body, into: &c)
        case .confirm(let confirmation): ConfirmOverlay.draw(confirmation, in: body, into: &c)
        case .sheet(let preview):
            // In a session the header and the live timers stay in sight above the sheet.
            let top = m.screen == .session ? 2 : 0
            SheetPreviewView.draw(preview, in: Rect(x: 0, y: top, width: m.width, height: body.height - top), into: &c)
        case .themes(let picker): ThemePicker.draw(picker, desk: m.env.themes, in: body, into: &c)
        case nil: break
        }
        if m.helpOpen { HelpOverlay.draw(keys(for: m) + [CommonKeys.privacy], in: body, into: &c) }
        return c
    }

    /// The hint bar keeps `? help` and the way out (q or Esc) whatever else has to go.
    static func drawFooter(_ m: AppModel, in area: Rect, into c: inout Canvas) {
        let hints = keys(for: m).filter(\.hint)
        func essential(_ k: KeyHelp) -> Bool { k.keys == "?" || k.keys == "q" || k.keys == "Esc" }
        func text(_ list: [KeyHelp]) -> String { list.map { "\($0.keys) \($0.action)" }.joined(separator: " · ") }
        var badge = ""
        if m.printing != nil { badge = "Printing…" }
        if m.waiting > 0 { badge = "Saving…" }
        let room = area.width - 1 - (badge.isEmpty ? 0 : DisplayWidth.of(badge) + 2)
        var chosen = hints.filter(essential)
        for h in hints where !essential(h) {
            let trial = hints.filter { chosen.contains($0) || $0 == h }
            if DisplayWidth.of(text(trial)) <= room { chosen.append(h) }
        }
        let line = text(hints.filter { chosen.contains($0) })
        c.hline(y: area.y, x: area.x, width: area.width)
        c.put(line, x: area.x, y: area.y + 1, role: .keyHint)
        if !badge.isEmpty {
            c.put(badge, x: area.x + area.width - DisplayWidth.of(badge) - 1, y: area.y + 1, role: .timer)
        }
        if let status = m.status {
            for (i, line) in statusLines(m).enumerated() {
                c.put(line, x: area.x, y: area.y + 2 + i, role: status.role)
            }
        }
    }

    /// What shows while the console is hidden: the clinic, the time and whether a numbing timer
    /// needs attention — never a name, a chart number or a session's details.
    static func privacyScreen(_ m: AppModel, now: Date) -> Canvas {
        var c = Canvas(width: m.width, height: m.height)
        var lines = [
            (Visible.text(m.config.clinicName), StyleRole.title), (Clock.hhmm(now, timeZone: m.timeZone), .normal),
            ("", .normal), ("Screen hidden to protect patient privacy.", .normal),
            ("Press any key to return; nothing is lost.", .muted),
        ]
        if let status = m.status, status.role == .timerDone { lines += [("", .normal), (status.text, .timerDone)] }
        let top = max(0, (m.height - lines.count) / 2)
        for (i, (text, role)) in lines.enumerated() where top + i < m.height {
            c.put(text, x: max(0, (m.width - DisplayWidth.of(text)) / 2), y: top + i, role: role)
        }
        return c
    }

    /// Every key of what is on screen, from its key table: the hint bar shows the marked ones, `?` all.
    public static func keys(for m: AppModel) -> [KeyHelp] {
        switch m.overlay {
        case .sheet(let preview): return SheetPreview.keys(preview).help
        case .themes: return ThemePicker.keys.help
        case .form: return OpenForm.keys.help
        case .confirm: return ConfirmOverlay.keys.help
        case nil: break
        }
        switch m.screen {
        case .today: return TodayScreen.keys.help
        case .history: return HistoryScreen.keys.help
        case .newSession: return NewSessionScreen.keys.help
        case .session: return m.session.map { SessionScreen.keys($0).help } ?? []
        case .due: return DueScreen.keys.help
        case .lots: return LotsScreen.keys.help
        case .recall: return RecallScreen.keys.help
        }
    }

    static func header(_ title: String, right: String, in area: Rect, into c: inout Canvas) {
        c.fill(x: area.x, y: area.y, width: area.width, height: 1, role: .title)
        let rw = DisplayWidth.of(right)
        c.put(title, x: area.x + 1, y: area.y, role: .title, maxWidth: area.width - rw - 3)
        c.put(right, x: area.x + area.width - rw - 1, y: area.y, role: .title)
    }
}

/// Fixed-width columns that line up whatever the script: widths are display columns.
/// A column of width 0 takes the space the others leave.
public struct TextTable: Sendable {
    public struct Column: Sendable {
        public var title: String
        public var width: Int
        public var alignRight: Bool
        public init(_ title: String, width: Int, alignRight: Bool = false) {
            self.title = title
            self.width = width
            self.alignRight = alignRight
        }
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
        zip(columns, cells).map { DisplayWidth.pad($1, to: $0.width, alignRight: $0.alignRight) }.joined(
            separator: "  ")
    }
}
