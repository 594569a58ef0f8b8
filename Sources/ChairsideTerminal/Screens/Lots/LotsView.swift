import ChairsideCore
import Foundation

/// The lot register as a table: lots in use by expiry (those expiring soon flagged), then the rest.
enum LotsView {
    static func draw(_ m: AppModel, now: Date, in area: Rect, into c: inout Canvas) {
        let today = ClinicDay(now, timeZone: m.timeZone)
        let rows = LotsScreen.rows(m.lotRegister)
        let warn = m.config.lotExpiryWarningDays
        let soon = m.lotRegister.expiring(within: warn, on: today).count
        AppView.header(
            "Chairside · Lot register", right: "\(rows.count) lot\(rows.count == 1 ? "" : "s") · \(today)", in: area,
            into: &c)
        let (x0, y0) = (area.x + 1, area.y)
        if soon > 0 {
            c.put(
                "\(soon) lot\(soon == 1 ? "" : "s") in use expire\(soon == 1 ? "s" : "") within \(warn) days",
                x: x0, y: y0 + 1, role: .warning, maxWidth: area.width - 2)
        }
        let wide = area.width >= 120
        let table = TextTable(
            columns: [
                .init("Lot", width: wide ? 16 : 12), .init("Kind", width: wide ? 16 : 11), .init("Product", width: 0),
                .init("Expires", width: 10), .init("Status", width: wide ? 24 : 10), .init("", width: wide ? 19 : 9),
            ], totalWidth: area.width - 2)
        c.put(table.row(table.columns.map(\.title)), x: x0, y: y0 + 2, role: .header)
        if !m.lotsLoaded {
            c.put("Loading the register…", x: x0, y: y0 + 4, role: .muted)
            return
        }
        if rows.isEmpty {
            c.put("No lots yet. Press a to add the lots on the shelf.", x: x0, y: y0 + 4, role: .muted)
            return
        }
        let visible = area.height - 4
        let first = max(0, m.lots.selected - visible + 1)
        for (i, lot) in rows.enumerated().dropFirst(first).prefix(visible) {
            var status = lot.status.label
            if case .withdrawn(let reason) = lot.status { status += ": " + Visible.text(reason) }
            let days = LotListing.expiryNote(lot, today: today, within: warn)
            let inUse = lot.status == .inStock || lot.status == .open
            let short = days.replacingOccurrences(of: "expires in ", with: "").replacingOccurrences(
                of: "expiry not recorded", with: "no expiry")
            let note = inUse ? (wide ? days : short) : ""
            let cells = [
                Visible.text(lot.number), lot.kind.label, Visible.text(lot.product), lot.expires?.description ?? "—",
                status,
                note.replacingOccurrences(of: " (usable today)", with: ""),
            ]
            let y = y0 + 3 + i - first
            let selected = i == m.lots.selected
            if selected { c.fill(x: area.x, y: y, width: area.width, height: 1, role: .selected) }
            let role: StyleRole =
                selected
                ? .selected : !inUse ? .muted : lot.isExpired(on: today) ? .danger : note.isEmpty ? .normal : .warning
            c.put(table.row(cells), x: x0, y: y, role: role)
        }
    }
}
