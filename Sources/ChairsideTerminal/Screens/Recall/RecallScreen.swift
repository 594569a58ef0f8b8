import ChairsideCore
import Foundation

/// A recall: every session that recorded a lot, with the patient to call.
public struct RecallScreen: Sendable {
    public var lot: String
    public var entries: [RecallEntry]
    public var selected = 0
    /// Where Esc goes back to.
    public var returnTo: AppModel.Screen
    /// The session Enter opened from this list: leaving it comes back here.
    public var openedSession: String?

    enum Action: Sendable { case up, down, open, back, help }

    static let keys = KeyTable<Action>([
        KeyBinding("↑↓", "select", [(.up, .up), (.char("k"), .up), (.down, .down), (.char("j"), .down)]),
        KeyBinding(.enter, "Enter", "open session", .open),
        KeyBinding("Esc", "back", [(.escape, .back), (.char("q"), .back)]),
        CommonKeys.help(.help),
    ])

    static func loaded(lot: String, entries: [RecallEntry], _ m: inout AppModel) {
        if case .form = m.overlay { m.overlay = nil }
        let back = m.screen == .recall ? (m.recall?.returnTo ?? .lots) : m.screen
        // The register's spelling of the number when it knows the lot, else the number as typed.
        m.recall = RecallScreen(lot: m.lotRegister.lot(lot)?.number ?? lot, entries: entries, returnTo: back)
        m.screen = .recall
        m.status = nil
    }

    static func update(_ action: Action, _ m: inout AppModel, now: Date) -> [Effect] {
        guard let r = m.recall else { return [] }
        switch action {
        case .help: m.helpOpen = true
        case .back:
            m.recall = nil
            m.screen = r.returnTo
        case .up: m.recall?.selected = max(0, r.selected - 1)
        case .down: m.recall?.selected = min(max(0, r.entries.count - 1), r.selected + 1)
        case .open:
            guard r.selected < r.entries.count else { return [] }
            let id = r.entries[r.selected].sessionID
            m.recall?.openedSession = id
            if m.session?.state.id == id {
                m.screen = .session
                return []
            }
            return [.openSession(id: id)]
        }
        return []
    }
}
