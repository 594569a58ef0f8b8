import ChairsideCore
import Foundation

/// The recall list: date, patient (chart number, name, born, phone), technician, room and zones.
enum RecallView {
    static func draw(_ m: AppModel, in area: Rect, into c: inout Canvas) {
        guard let r = m.recall else { return }
        let patients = Set(r.entries.map(\.patientID)).count
        AppView.header(
            "Recall · lot " + Visible.text(r.lot),
            right:
                "\(r.entries.count) session\(r.entries.count == 1 ? "" : "s") · \(patients) patient\(patients == 1 ? "" : "s")",
            in: area, into: &c)
        let (x0, y0) = (area.x + 1, area.y)
        if let lot = m.lotRegister.lot(r.lot) {
            var line =
                "\(lot.kind.label) · \(Visible.text(lot.product)) · expires \(lot.expiryText) · \(lot.status.label)"
            if case .withdrawn(let reason) = lot.status { line += ": " + Visible.text(reason) }
            // A damaged line of the lot journal names it: the status shown is only as replayed.
            let inDoubt = m.lotDamage?.flagged.contains(LotRegister.key(lot.number)) ?? false
            if inDoubt { line += " · !! status unknown: a line about it is unreadable" }
            c.put(
                line, x: x0, y: y0 + 1,
                role: inDoubt ? .danger : lot.status == .open || lot.status == .inStock ? .muted : .warning,
                maxWidth: area.width - 2)
        } else {
            c.put("not in the lot register", x: x0, y: y0 + 1, role: .muted)
        }
        let wide = area.width >= 120
        let proto = m.config.protocolSettings
        // At 80 columns the technician gives way to the phone: the list is for calling patients.
        var columns: [TextTable.Column] = [
            .init("Date", width: 10), .init("Chart", width: wide ? 10 : 8), .init("Patient", width: 0),
            .init("Born", width: 10), .init("Phone", width: wide ? 16 : 14),
        ]
        if wide { columns.append(.init("Technician", width: 16)) }
        columns.append(.init("Zones", width: wide ? 30 : 12))
        let table = TextTable(columns: columns, totalWidth: area.width - 2)
        c.put(table.row(table.columns.map(\.title)), x: x0, y: y0 + 2, role: .header)
        if r.entries.isEmpty {
            c.put("No session recorded this lot.", x: x0, y: y0 + 4, role: .muted)
            return
        }
        let visible = area.height - 4
        let first = max(0, r.selected - visible + 1)
        for (i, e) in r.entries.enumerated().dropFirst(first).prefix(visible) {
            // A session that did not finish says so before its zones (an aborted one may not have been treated).
            let status = ["completed", "in progress", "paused"].contains(e.status) ? "" : "[\(e.status)] "
            let cells =
                [
                    e.day.description, Visible.text(e.chartNumber), Visible.text(e.patientName),
                    e.dateOfBirth?.description ?? "—", Visible.text(e.phone),
                ] + (wide ? [Visible.text(e.technician)] : [])
                + [status + Visible.text(e.zones.map(proto.zoneName).joined(separator: ", "))]
            let y = y0 + 3 + i - first
            let selected = i == r.selected
            if selected { c.fill(x: area.x, y: y, width: area.width, height: 1, role: .selected) }
            c.put(table.row(cells), x: x0, y: y, role: selected ? .selected : .normal)
        }
        c.put(
            "Call the phone shown · `chairside recall \(Visible.text(r.lot)) --csv` for a spreadsheet",
            x: x0, y: area.maxY, role: .muted, maxWidth: area.width - 2)
    }
}
