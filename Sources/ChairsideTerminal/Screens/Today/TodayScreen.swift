import ChairsideCore
import Foundation

/// Today and the day review: any date's sessions, opened from the list.
public struct TodayScreen: Sendable {
    public var day: ClinicDay
    public var sessions: [SessionSummary] = []
    public var selected = 0
    /// The day's anchor, short form (nil for a day without sessions).
    public var anchor: String?
    /// The day's journals no longer matched the anchor recorded before a repair (standing findings).
    public var anchorMismatches: [AnchorMismatch] = []
    /// Every room's sessions (pulled from the replica), not only this room's.
    public var allRooms = false
    /// The day's list has not come from the store yet.
    public var loading = true

    enum Action: Sendable {
        case up, down, newSession, open, previousDay, nextDay, today, goToDate, history, refresh, rooms, theme, help,
            quit
        case due
        case lateEntry
        case lots
    }

    static let keys = KeyTable<Action>([
        KeyBinding(.char("n"), "n", "new session", .newSession),
        KeyBinding(.enter, "Enter", "open", .open),
        KeyBinding("← →", "day", [(.left, .previousDay), (.right, .nextDay)]),
        KeyBinding(.char("g"), "g", "go to date", .goToDate),
        KeyBinding(.char("t"), "t", "back to today", hint: false, .today),
        KeyBinding(.char("H"), "H", "patient history", .history),
        KeyBinding(.char("d"), "d", "due list", hint: false, .due),
        KeyBinding(.char("p"), "p", "chart a past session (late entry)", hint: false, .lateEntry),
        KeyBinding("↑↓", "select", hint: false, [(.up, .up), (.char("k"), .up), (.down, .down), (.char("j"), .down)]),
        KeyBinding(.char("r"), "r", "refresh", hint: false, .refresh),
        KeyBinding(.char("a"), "a", "this room / all rooms", hint: false, .rooms),
        KeyBinding(.char("L"), "L", "lots and recall", hint: false, .lots),
        CommonKeys.theme(.theme),
        CommonKeys.help(.help),
        KeyBinding(.char("q"), "q", "quit", .quit),
    ])

    static func update(_ action: Action, _ m: inout AppModel, now: Date) -> [Effect] {
        let count = m.today.sessions.count
        switch action {
        case .quit: return [.quit]
        case .help: m.helpOpen = true
        case .up: m.today.selected = max(0, m.today.selected - 1)
        case .down: m.today.selected = min(max(0, count - 1), m.today.selected + 1)
        case .newSession:
            m.screen = .newSession
            m.lateStart = nil
            m.newSession = NewSessionScreen()
            m.status = nil
            return [.searchPatients("")]
        case .open:
            guard count > 0 else {
                m.say("No session to open: press n to start one.")
                return []
            }
            return [.openSession(id: m.today.sessions[m.today.selected].id)]
        case .refresh:
            m.say("Refreshed.")
            return [load(m.today)]
        case .rooms:
            m.today.allRooms.toggle()
            m.say(
                m.today.allRooms
                    ? "All rooms (other rooms' sessions are read-only copies from the replica)." : "This room only.")
            return [load(m.today)]
        case .due: return DueScreen.open(&m, now: now)
        case .lateEntry: m.overlay = .form(OpenForm(LateSessionForm(day: ClinicDay(now, timeZone: m.timeZone))))
        case .theme: ThemePicker.open(&m)
        case .lots: return LotsScreen.open(&m)
        case .previousDay: return show(m.today.day.adding(days: -1), &m)
        case .nextDay: return show(m.today.day.adding(days: 1), &m)
        case .today: return show(ClinicDay(now, timeZone: m.timeZone), &m)
        case .goToDate: m.overlay = .form(OpenForm(GoToDateForm(day: m.today.day)))
        case .history:
            guard count > 0 else {
                m.say("No session selected.")
                return []
            }
            return HistoryScreen.open(patientID: m.today.sessions[m.today.selected].patientID, returnTo: .today, &m)
        }
        return []
    }

    static func show(_ day: ClinicDay, _ m: inout AppModel) -> [Effect] {
        m.today.day = day
        m.today.selected = 0
        m.status = nil
        return [load(m.today)]
    }

    static func load(_ t: TodayScreen) -> Effect { t.allRooms ? .loadDayAllRooms(t.day) : .loadDay(t.day) }

    static func loaded(_ day: ClinicDay, _ sessions: [SessionSummary], anchor: String?, _ m: inout AppModel) {
        guard day == m.today.day else { return }
        m.today.sessions = sessions
        m.today.anchor = anchor
        m.today.loading = false
        m.today.selected = min(m.today.selected, max(0, sessions.count - 1))
    }
}
