import Foundation

/// Who the front desk should call: each patient's next-visit window from their last completed
/// session (within the series: the protocol interval; after it: maintenance), as the aftercare
/// sheet gives it. A patient who finished or stopped their series after that session drops off,
/// as does one who is in the chair right now.
public struct DueEntry: Equatable, Sendable {
    public enum Standing: String, Sendable { case upcoming, due, overdue }

    public var patient: Patient
    public var lastSession: ClinicDay
    /// The last session's place in its series (1 for the first).
    public var seriesNumber: Int
    /// The next visit is maintenance (the series is complete).
    public var maintenance: Bool
    public var dueFrom: ClinicDay
    public var dueBy: ClinicDay
    public var standing: Standing
    /// Days past `dueBy` when overdue; 0 otherwise.
    public var daysOverdue: Int

    /// "3/6", or "maintenance" past the series, as the history table says.
    public func seriesLabel(_ settings: AftercareSettings) -> String {
        seriesNumber > settings.seriesMax ? "maintenance" : "\(seriesNumber)/\(settings.seriesMax)"
    }
}

public enum DueList {
    /// Which patients a listing shows.
    public enum Scope: String, Sendable, CaseIterable {
        /// Due now or overdue: the window has opened.
        case due
        /// Whom to call this week: everyone due now or overdue, and those whose window opens within 7 days.
        case week
        /// The window closed before today.
        case overdue
    }

    /// The week the front desk plans its calls for: today and the six days after.
    public static let weekDays = 7

    /// One entry per patient with a completed session and no recorded end to their series after it,
    /// sorted by the day the window opens, then by name. `history` is the patient's sessions.
    public static func entry(
        _ patient: Patient, history: [SessionRef], today: ClinicDay, timeZone: TimeZone, proto: ClinicProtocol,
        settings: AftercareSettings
    ) -> DueEntry? {
        let completed = history.filter { $0.status == .completed }
        guard let last = completed.max(by: { $0.startedAt < $1.startedAt }) else { return nil }
        // Someone in the chair now is not called.
        // A session whose journal's end is unreadable counts as it replays (not completed) but never as open.
        if history.contains(where: { $0.isOpen && $0.startedAt > last.startedAt }) { return nil }
        let lastDay = ClinicDay(last.startedAt, timeZone: timeZone)
        if let stop = patient.seriesStop, stop.on >= lastDay { return nil }
        let series = SeriesPosition(
            sessionID: last.sessionID, startedAt: last.startedAt, history: history, settings: settings)
        let window = NextVisitWindow(sessionDay: lastDay, series: series, proto: proto, settings: settings)
        let standing: DueEntry.Standing =
            today > window.to ? .overdue : today >= window.from ? .due : .upcoming
        return DueEntry(
            patient: patient, lastSession: lastDay, seriesNumber: series.number, maintenance: window.maintenance,
            dueFrom: window.from, dueBy: window.to, standing: standing,
            daysOverdue: standing == .overdue ? days(from: window.to, to: today) : 0)
    }

    public static func includes(_ e: DueEntry, scope: Scope, today: ClinicDay) -> Bool {
        switch scope {
        case .due: e.standing != .upcoming
        case .overdue: e.standing == .overdue
        // An overdue patient is the first call of the week, not one to leave off it.
        case .week: e.dueFrom <= today.adding(days: weekDays - 1)
        }
    }

    public static func sorted(_ list: [DueEntry]) -> [DueEntry] {
        list.sorted { ($0.dueFrom, $0.patient.name, $0.patient.id) < ($1.dueFrom, $1.patient.name, $1.patient.id) }
    }

    /// Whole days from one clinic day to another (negative when `to` is earlier).
    public static func days(from: ClinicDay, to: ClinicDay) -> Int {
        let utc = TimeZone(identifier: "UTC")!
        return Int((to.start(in: utc).timeIntervalSince(from.start(in: utc)) / 86_400).rounded())
    }

    public static let csvColumns = [
        "chart_number", "name", "phone", "last_session", "series", "next_visit", "due_from", "due_by", "standing",
        "days_overdue",
    ]

    public static func csvRow(_ e: DueEntry, settings: AftercareSettings) -> [String] {
        [
            CSV.text(e.patient.chartNumber), CSV.text(e.patient.name), CSV.phone(e.patient.phone ?? ""),
            e.lastSession.description, e.seriesLabel(settings), e.maintenance ? "maintenance" : "series",
            e.dueFrom.description, e.dueBy.description, e.standing.rawValue, String(e.daysOverdue),
        ]
    }
}
