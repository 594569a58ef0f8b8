import ChairsideCore
import Foundation

/// The due list for the front desk: whom to call, with the last session, the series place and
/// the phone number. Opened from Today; Tab moves between due now, this week and overdue.
public struct DueScreen: Sendable {
    public var scope: DueList.Scope = .due
    public var entries: [DueEntry] = []
    public var selected = 0
    public var loading = true
    public var day: ClinicDay

    enum Action: Sendable { case up, down, scope, history, refresh, back, help }

    static let keys = KeyTable<Action>([
        KeyBinding("↑↓", "select", [(.up, .up), (.char("k"), .up), (.down, .down), (.char("j"), .down)]),
        KeyBinding(.tab, "Tab", "due · this week · overdue", .scope),
        KeyBinding(.enter, "Enter", "patient history", .history),
        KeyBinding(.char("r"), "r", "refresh", hint: false, .refresh),
        KeyBinding("Esc", "back", [(.escape, .back), (.char("q"), .back)]),
        CommonKeys.help(.help),
    ])

    static func open(_ m: inout AppModel, now: Date) -> [Effect] {
        let day = ClinicDay(now, timeZone: m.timeZone)
        m.due = DueScreen(scope: m.due?.scope ?? .due, day: day)
        m.screen = .due
        m.status = nil
        return [load(m.due!, m)]
    }

    static func loaded(day: ClinicDay, scope: DueList.Scope, _ entries: [DueEntry], _ m: inout AppModel) {
        guard var d = m.due, d.day == day, d.scope == scope else { return }
        d.entries = entries
        d.loading = false
        d.selected = min(d.selected, max(0, entries.count - 1))
        m.due = d
    }

    static func update(_ action: Action, _ m: inout AppModel, now: Date) -> [Effect] {
        guard let d = m.due else { return [] }
        switch action {
        case .help: m.helpOpen = true
        case .back:
            m.screen = .today
            m.status = nil
        case .up: m.due?.selected = max(0, d.selected - 1)
        case .down: m.due?.selected = min(max(0, d.entries.count - 1), d.selected + 1)
        case .scope:
            let all = DueList.Scope.allCases
            let next = all[(all.firstIndex(of: d.scope)! + 1) % all.count]
            m.due = DueScreen(scope: next, day: d.day)
            return [load(m.due!, m)]
        case .refresh:
            m.due?.loading = true
            return [load(d, m)]
        case .history:
            guard d.selected < d.entries.count else {
                m.say("Nobody selected.")
                return []
            }
            return HistoryScreen.open(patientID: d.entries[d.selected].patient.id, returnTo: .due, &m)
        }
        return []
    }

    static func load(_ d: DueScreen, _ m: AppModel) -> Effect {
        .loadDueList(day: d.day, scope: d.scope, proto: m.proto, settings: m.config.aftercare)
    }

    var title: String {
        switch scope {
        case .due: "Due now or overdue"
        case .week: "Callable this week"
        case .overdue: "Overdue"
        }
    }
}
