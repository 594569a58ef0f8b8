import ChairsideCore
import Foundation

/// A patient's history: every session, the interval since the one before, the series count.
public struct HistoryScreen: Sendable {
    public var patientID: String
    public var patient: Patient?
    public var history: PatientHistory
    public var selected = 0
    /// Where Esc goes back to.
    public var returnTo: AppModel.Screen

    enum Action: Sendable { case up, down, open, back, help }

    static let keys = KeyTable<Action>([
        KeyBinding("↑↓", "select", [(.up, .up), (.char("k"), .up), (.down, .down), (.char("j"), .down)]),
        KeyBinding(.enter, "Enter", "open session", .open),
        KeyBinding("Esc", "back", [(.escape, .back), (.char("q"), .back)]),
        CommonKeys.help(.help),
    ])

    /// Asks for the patient's sessions; the screen opens when they arrive.
    static func open(patientID: String, returnTo: AppModel.Screen, _ m: inout AppModel) -> [Effect] {
        m.historyReturn = returnTo
        return [.loadHistory(patientID: patientID)]
    }

    static func loaded(patientID: String, patient: Patient?, sessions: [SessionSummary], _ m: inout AppModel) {
        let history = PatientHistory(
            sessions: sessions, protocolSettings: m.proto, aftercare: m.config.aftercare, timeZone: m.timeZone)
        m.history = HistoryScreen(
            patientID: patientID, patient: patient, history: history,
            selected: max(0, history.rows.count - 1), returnTo: m.historyReturn)
        m.screen = .history
        m.status = nil
    }

    static func update(_ action: Action, _ m: inout AppModel, now: Date) -> [Effect] {
        guard let h = m.history else { return [] }
        switch action {
        case .help: m.helpOpen = true
        case .back:
            m.history = nil
            m.screen = h.returnTo == .session && m.session == nil ? .today : h.returnTo
        case .up: m.history?.selected = max(0, h.selected - 1)
        case .down: m.history?.selected = min(max(0, h.history.rows.count - 1), h.selected + 1)
        case .open:
            guard h.selected < h.history.rows.count else { return [] }
            let id = h.history.rows[h.selected].summary.id
            if m.session?.state.id == id {
                m.screen = .session
                return []
            }
            return [.openSession(id: id)]
        }
        return []
    }
}
