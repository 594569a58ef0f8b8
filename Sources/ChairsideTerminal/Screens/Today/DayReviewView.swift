import ChairsideCore
import Foundation

/// The day review: any date's sessions with who, where, what and how long, flags for what a
/// reviewer must look at, and the day's totals. Today is simply the date it opens on.
enum DayReviewView {
    /// O provider override · W warnings · A adverse event · + amended.
    static func flags(_ s: SessionSummary) -> String {
        (s.overridden ? "O" : "") + (s.warnings > 0 ? "W" : "") + (s.adverseEvents > 0 ? "A" : "") + (s.amendments > 0 ? "+" : "")
    }

    static func draw(_ m: AppModel, now: Date, in area: Rect, into c: inout Canvas) {
        let today = ClinicDay(now, timeZone: m.timeZone)
        let day = m.today.day
        let title = "Chairside · " + (day == today ? "Today" : "Day review") + " · " + AftercareSheet.longDate(day)
        AppView.header(title, right: "\(day)  \(Clock.hhmm(now, timeZone: m.timeZone))", in: area, into: &c)
        let (x0, y0) = (area.x + 1, area.y)
        let wide = area.width >= 120
        let table = TextTable(columns: [
            .init("Start", width: 5), .init("Time", width: 5, alignRight: true), .init("Patient", width: 0),
            .init("Technician", width: wide ? 16 : 8), .init("Room", width: wide ? 10 : 6), .init("Zones", width: wide ? 26 : 9),
            .init("PRP", width: 4, alignRight: true), .init("Status", width: wide ? 11 : 9), .init("Flag", width: 4),
        ], totalWidth: area.width - 2)
        c.put(table.row(table.columns.map(\.title)), x: x0, y: y0 + 2, role: .header)
        let list = m.today.sessions
        if m.today.loading {
            c.put("Loading the day…", x: x0, y: y0 + 4, role: .muted)
        } else if list.isEmpty {
            let hint = day == today ? "No sessions yet today. Press n to start one." : "No sessions on \(day). ← → change the day, g goes to a date."
            c.put(hint, x: x0, y: y0 + 4, role: .muted)
        }
        let proto = m.config.protocolSettings
        let visible = area.height - 5
        let first = max(0, m.today.selected - visible + 1)
        for (row, s) in list.enumerated().dropFirst(first).prefix(visible) {
            let zones = (s.zoneDepths.isEmpty ? s.plannedZones : s.zoneDepths.map(\.zone)).map(proto.zoneName).joined(separator: ", ")
            let status = s.status == .inProgress ? (s.paused ? "paused" : s.step) : s.statusLabel
            let flag = flags(s)
            let cells = [Clock.hhmm(s.startedAt, timeZone: m.timeZone), Clock.hmm(s.durationSeconds(now: now)),
                         Visible.text(s.patientName), Visible.text(s.technician), Visible.text(s.room), Visible.text(zones),
                         s.prpAppliedML > 0 ? String(format: "%.1f", s.prpAppliedML) : "—", status, flag]
            let selected = row == m.today.selected
            let y = y0 + 3 + row - first
            if selected { c.fill(x: area.x, y: y, width: area.width, height: 1, role: .selected) }
            c.put(table.row(cells), x: x0, y: y, role: selected ? .selected : (s.status == .aborted ? .muted : .normal))
            if !flag.isEmpty && !selected {
                c.put(flag, x: x0 + table.offset(ofColumn: table.columns.count - 1), y: y, role: s.adverseEvents > 0 || s.overridden ? .danger : .warning)
            }
        }
        c.put(DayTotals(list, now: now).line, x: x0, y: area.maxY - 1, role: .header, maxWidth: area.width - 2)
        c.put("Flags: O provider override · W warning · A adverse event · + amended", x: x0, y: area.maxY,
              role: .muted, maxWidth: area.width - 2)
    }
}
