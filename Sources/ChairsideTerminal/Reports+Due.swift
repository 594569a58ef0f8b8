import ChairsideCore
import Foundation

extension Reports {
    /// `chairside due`: one line per patient to call, with how to reach them.
    public static func due(_ list: [DueEntry], scope: DueList.Scope, today: ClinicDay, settings: AftercareSettings)
        -> String
    {
        let title: String
        switch scope {
        case .due: title = "Due now or overdue on \(today)"
        case .week: title = "Callable this week (\(today) to \(today.adding(days: DueList.weekDays - 1)))"
        case .overdue: title = "Overdue on \(today)"
        }
        var out = title + "\n"
        if list.isEmpty { return out + "Nobody to call.\n" }
        let table = TextTable(
            columns: [
                .init("PATIENT", width: 22), .init("CHART", width: 10), .init("PHONE", width: 16),
                .init("LAST", width: 10), .init("SERIES", width: 11), .init("DUE FROM", width: 10),
                .init("DUE BY", width: 10), .init("STANDING", width: 14),
            ], totalWidth: 120)
        out += trimmed(table.row(table.columns.map(\.title))) + "\n"
        for e in list {
            out +=
                trimmed(
                    table.row([
                        Visible.text(e.patient.name), Visible.text(e.patient.chartNumber),
                        Visible.text(e.patient.phone ?? "—"), e.lastSession.description, e.seriesLabel(settings),
                        e.dueFrom.description, e.dueBy.description, standing(e),
                    ])) + "\n"
        }
        return out + "\(list.count) patient\(list.count == 1 ? "" : "s").\n"
    }

    /// "due", "opens in 3 d", "overdue 12 d".
    public static func standing(_ e: DueEntry) -> String {
        switch e.standing {
        case .due: "due"
        case .upcoming: "upcoming"
        case .overdue: "overdue \(e.daysOverdue) d"
        }
    }
}
