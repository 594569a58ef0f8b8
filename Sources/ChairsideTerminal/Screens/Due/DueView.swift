import ChairsideCore
import Foundation

/// The due list as a table; the columns that do not fit an 80-column screen (series place,
/// window end) come back at 120.
enum DueView {
    static func draw(_ m: AppModel, in area: Rect, into c: inout Canvas) {
        guard let d = m.due else { return }
        let (x0, y0) = (area.x + 1, area.y)
        let count = d.loading ? "loading…" : "\(d.entries.count) patient\(d.entries.count == 1 ? "" : "s")"
        AppView.header("Due list · \(d.title) · \(d.day)", right: count, in: area, into: &c)
        let wide = area.width >= 120
        var columns: [TextTable.Column] = [
            .init("Patient", width: wide ? 24 : 16), .init("Phone", width: 16),
            .init("Last", width: 10),
        ]
        if wide { columns += [.init("Chart", width: 10), .init("Series", width: 11)] }
        columns += [.init("Due from", width: 10)]
        if wide { columns += [.init("Due by", width: 10)] }
        columns += [.init("Standing", width: 13)]
        let table = TextTable(columns: columns, totalWidth: area.width - 2)
        c.put(table.row(table.columns.map(\.title)), x: x0, y: y0 + 2, role: .header)
        if !d.loading && d.entries.isEmpty {
            c.put("Nobody to call: no patient's window falls here.", x: x0, y: y0 + 4, role: .muted)
        }
        let visible = max(0, area.height - 4)
        let first = max(0, d.selected - visible + 1)
        for (i, e) in d.entries.enumerated().dropFirst(first).prefix(visible) {
            var cells = [Visible.text(e.patient.name), Visible.text(e.patient.phone ?? "—"), e.lastSession.description]
            if wide { cells += [Visible.text(e.patient.chartNumber), e.seriesLabel(m.config.aftercare)] }
            cells += [e.dueFrom.description]
            if wide { cells += [e.dueBy.description] }
            cells += [Reports.standing(e)]
            let y = y0 + 3 + i - first
            let selected = i == d.selected
            if selected { c.fill(x: area.x, y: y, width: area.width, height: 1, role: .selected) }
            let role: StyleRole = selected ? .selected : e.standing == .overdue ? .warning : .normal
            c.put(table.row(cells), x: x0, y: y, role: role)
        }
        c.put(
            wide
                ? "Window from the last session: the series interval, then maintenance · "
                    + "`chairside series stop` takes a patient off"
                : "Window from the last session: the series interval, then maintenance",
            x: x0, y: area.maxY, role: .muted, maxWidth: area.width - 2)
    }
}
