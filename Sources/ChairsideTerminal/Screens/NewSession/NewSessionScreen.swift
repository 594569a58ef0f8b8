import ChairsideCore
import Foundation

/// Finding the patient for a new session: type-ahead over names and chart numbers.
public struct NewSessionScreen: Sendable {
    public var query = ""
    public var results: [Patient] = []
    public var selected = 0
    /// Damage in the patient journal, as the store knew it at the last search (issue 14).
    public var damage: RecordDamage?

    /// The longest search a technician types; longer input is ignored.
    static let maxQueryLength = 100

    enum Action: Sendable { case up, down, history, newPatient, start, erase, clear, back, help }

    static let keys = KeyTable<Action>([
        KeyBinding("type", "search", []),
        KeyBinding("↑↓", "select", [(.up, .up), (.down, .down)]),
        KeyBinding(.enter, "Enter", "start", .start),
        KeyBinding("Ctrl-N", "new patient", [(.ctrl("n"), .newPatient), (.function(2), .newPatient)]),
        KeyBinding(.right, "→", "history", .history),
        KeyBinding("Backspace", "erase a character", hint: false, [(.backspace, .erase), (.delete, .erase)]),
        KeyBinding(.ctrl("u"), "Ctrl-U", "clear search", hint: false, .clear),
        CommonKeys.help(.help),
        KeyBinding(.escape, "Esc", "back", .back),
    ])

    static func update(_ key: Key, _ m: inout AppModel, now: Date) -> [Effect] {
        guard let action = keys.action(for: key) else {
            guard case .char(let c) = key, m.newSession.query.count < maxQueryLength else { return [] }
            m.newSession.query.append(c)
            return search(&m)
        }
        let ns = m.newSession
        switch action {
        case .help: m.helpOpen = true
        case .back:
            m.screen = .today
            m.lateStart = nil
            m.status = nil
        case .up: m.newSession.selected = max(0, ns.selected - 1)
        case .down: m.newSession.selected = min(max(0, ns.results.count - 1), ns.selected + 1)
        case .history:
            guard ns.selected < ns.results.count else {
                m.say("No patient selected: type to search.")
                return []
            }
            return HistoryScreen.open(patientID: ns.results[ns.selected].id, returnTo: .newSession, &m)
        case .newPatient:
            let form = NewPatientForm(name: ns.query)
            m.overlay = .form(OpenForm(form, focus: ns.query.isEmpty ? 0 : 1))
        case .start:
            guard ns.selected < ns.results.count else {
                m.say("No patient selected: type to search, or Ctrl-N to add a new patient.")
                return []
            }
            m.overlay = .form(OpenForm(StartSessionForm(patient: ns.results[ns.selected], config: m.config)))
        case .erase:
            guard !m.newSession.query.isEmpty else { return [] }
            m.newSession.query.removeLast()
            return search(&m)
        case .clear:
            m.newSession.query = ""
            return search(&m)
        }
        return []
    }

    /// Finding the patient for a session charted after the fact, begun at `at`.
    static func openLate(at: Date, _ m: inout AppModel) -> [Effect] {
        m.screen = .newSession
        m.newSession = NewSessionScreen()
        m.lateStart = at
        m.say(
            "Late entry: find the patient. The session starts at \(ClinicDay(at, timeZone: m.timeZone)) "
                + "\(Clock.hhmm(at, timeZone: m.timeZone)); each step then asks W for its time.", .warning)
        return [.searchPatients("")]
    }

    static func search(_ m: inout AppModel) -> [Effect] {
        m.newSession.selected = 0
        return [.searchPatients(m.newSession.query)]
    }

    static func found(_ query: String, _ patients: [Patient], _ m: inout AppModel) {
        guard query == m.newSession.query else { return }
        m.newSession.results = patients
        m.newSession.selected = 0
    }
}

enum NewSessionView {
    static func draw(_ m: AppModel, in area: Rect, into c: inout Canvas) {
        let (x0, y0) = (area.x + 1, area.y)
        let late = m.lateStart.map {
            " · late entry, began \(ClinicDay($0, timeZone: m.timeZone)) \(Clock.hhmm($0, timeZone: m.timeZone))"
        }
        AppView.header("New session · find the patient" + (late ?? ""), right: "", in: area, into: &c)
        c.put("Patient: ", x: x0, y: y0 + 2, role: .header)
        let room = area.width - 12
        var query = Visible.text(m.newSession.query)
        if DisplayWidth.of(query) > room - 1 { query = "…" + DisplayWidth.tail(query, to: room - 2) }
        c.put(query + "▏", x: x0 + 9, y: y0 + 2, maxWidth: room)
        let table = TextTable(
            columns: [
                .init("Name", width: 0), .init("Chart", width: 10), .init("Born", width: 10),
                .init("Skin", width: 4),
            ], totalWidth: area.width - 2)
        c.put(table.row(table.columns.map(\.title)), x: x0, y: y0 + 4, role: .header)
        let damage = m.newSession.damage
        if let banner = damage?.banner(width: area.width - 2) {
            c.put(banner, x: x0, y: y0 + 3, role: .danger, maxWidth: area.width - 2)
        }
        let results = m.newSession.results
        if results.isEmpty {
            let hint =
                m.newSession.query.isEmpty
                ? "No patients yet: press Ctrl-N to add the first."
                : "No match. Ctrl-N adds a new patient with this name."
            c.put(hint, x: x0, y: y0 + 5, role: .muted)
        }
        let visible = area.height - 6
        let first = max(0, m.newSession.selected - visible + 1)
        for (i, p) in results.enumerated().dropFirst(first).prefix(visible) {
            let y = y0 + 5 + i - first
            let selected = i == m.newSession.selected
            if selected { c.fill(x: area.x, y: y, width: area.width, height: 1, role: .selected) }
            // A damaged line of the patient journal still names this patient: a change may be missing.
            let damaged = damage?.flagged.contains(p.id) ?? false
            let cells = [
                Visible.text(p.name) + (damaged ? "  !! record damaged" : ""), Visible.text(p.chartNumber),
                p.dateOfBirth?.description ?? "", p.fitzpatrick.map(Roman.numeral) ?? "",
            ]
            c.put(table.row(cells), x: x0, y: y, role: selected ? .selected : damaged ? .danger : .normal)
        }
    }
}

enum Roman {
    static func numeral(_ n: Int) -> String { ["", "I", "II", "III", "IV", "V", "VI"][max(0, min(6, n))] }
}
