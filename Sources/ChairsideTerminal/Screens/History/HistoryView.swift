import ChairsideCore
import Foundation

/// A patient's history: every session with the interval since the one before, the series
/// count and the depth used per zone, and the screening dates that matter before the next one.
enum HistoryView {
    static func draw(_ m: AppModel, in area: Rect, into c: inout Canvas) {
        guard let h = m.history else { return }
        let (x0, y0) = (area.x + 1, area.y)
        let proto = m.config.protocolSettings
        let name =
            h.patient.map { Visible.text($0.name) } ?? h.history.rows.last.map { Visible.text($0.summary.patientName) }
            ?? h.patientID
        let details = [
            h.patient.map { "chart " + Visible.text($0.chartNumber) }, h.patient?.dateOfBirth.map { "born \($0)" },
        ].compactMap { $0 }
        AppView.header(
            "History · " + name + (details.isEmpty ? "" : " · " + details.joined(separator: " · ")),
            right: "\(h.history.rows.count) session\(h.history.rows.count == 1 ? "" : "s")", in: area, into: &c)
        let dates = h.history.lastDateItems.map { "\($0.label) " + ($0.answer?.text ?? "—") }
        // The dates wrap onto the next row rather than being cut; the zone note then moves to the bottom.
        let dateLines = DisplayWidth.wrap(
            "Last given at screening: " + dates.joined(separator: " · "), width: area.width - 2)
        for (i, line) in dateLines.prefix(2).enumerated() { c.put(line, x: x0, y: y0 + 1 + i, role: .muted) }

        let zoneWidth = 10
        // Zones (the depths) get the room first; what they leave goes to the technician's name, which is
        // cut only when nothing is left over (at 80 columns "Alex Rivera" is whole beside two zones).
        let longestTech = h.history.rows.map { DisplayWidth.of(Visible.text($0.summary.technician)) }.max() ?? 4
        var fixed: [TextTable.Column] = [
            .init("Date", width: 10), .init("Days", width: 4, alignRight: true), .init("Series", width: 11),
            .init("Status", width: 9), .init("Tech", width: 6),
        ]
        let used = fixed.reduce(0) { $0 + $1.width + 2 }
        let fit = max(0, (area.width - 2 - used) / (zoneWidth + 2))
        let zones = Array(h.history.zones.prefix(fit))
        let spare = area.width - 2 - used - zones.count * (zoneWidth + 2)
        fixed[4].width = min(max(6, longestTech), 6 + max(0, spare), 24)
        let table = TextTable(
            columns: fixed + zones.map { .init(String(proto.zoneName($0).prefix(zoneWidth)), width: zoneWidth) },
            totalWidth: area.width - 2)
        c.put(table.row(table.columns.map(\.title)), x: x0, y: y0 + 3, role: .header)
        if h.history.zones.count > zones.count {
            let hidden = h.history.zones.dropFirst(zones.count).map(proto.zoneName)
            let names = hidden.joined(separator: ", ")
            let long =
                "+\(hidden.count) more zone\(hidden.count == 1 ? "" : "s") (\(names)): widen the terminal, "
                + "or `chairside history` on the command line"
            let short = "+\(hidden.count) more (\(names)): widen, or `chairside history`"
            let note = DisplayWidth.of(long) <= area.width - 2 ? long : short
            c.put(
                note, x: x0, y: dateLines.count > 1 ? area.maxY - 1 : y0 + 2, role: .muted, maxWidth: area.width - 2)
        }
        if h.history.rows.isEmpty {
            c.put("No sessions recorded for this patient yet.", x: x0, y: y0 + 5, role: .muted)
            return
        }
        let visible = area.height - 5
        let first = max(0, h.selected - visible + 1)
        for (i, row) in h.history.rows.enumerated().dropFirst(first).prefix(visible) {
            let s = row.summary
            let series = row.seriesLabel
            let cells =
                [
                    ClinicDay(s.startedAt, timeZone: m.timeZone).description, row.intervalDays.map(String.init) ?? "—",
                    series,
                    s.isOpen ? "open" : s.shortStatusLabel, Visible.text(s.technician),
                ]
                + zones.map { h.history.depth(row, zone: $0)?.range ?? "·" }
            let y = y0 + 4 + i - first
            let selected = i == h.selected
            if selected { c.fill(x: area.x, y: y, width: area.width, height: 1, role: .selected) }
            let short = row.intervalDays.map { $0 < proto.minimumIntervalDays } ?? false
            c.put(table.row(cells), x: x0, y: y, role: selected ? .selected : (s.status == .aborted ? .muted : .normal))
            if short && !selected {
                let days = table.columns[1]
                c.put(
                    DisplayWidth.pad(String(row.intervalDays!), to: days.width, alignRight: true),
                    x: x0 + table.offset(ofColumn: 1), y: y, role: .warning)
            }
        }
        c.put(
            "Depths in mm · Days: since the previous session, under \(proto.minimumIntervalDays) flagged",
            x: x0, y: area.maxY, role: .muted, maxWidth: area.width - 2)
    }
}
