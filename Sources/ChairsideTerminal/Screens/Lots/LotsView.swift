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
        // Damage in the lot journal comes first (a withdrawal may be what is unreadable); the table moves
        // down a line when both are said.
        let banner = m.lotsLoaded ? m.lotDamage?.banner(width: area.width - 2) : nil
        if let banner { c.put(banner, x: x0, y: y0 + 1, role: .danger, maxWidth: area.width - 2) }
        let shift = banner != nil && soon > 0 ? 1 : 0
        if soon > 0 {
            c.put(
                "\(soon) lot\(soon == 1 ? "" : "s") in use expire\(soon == 1 ? "s" : "") within \(warn) days",
                x: x0, y: y0 + 1 + (banner == nil ? 0 : 1), role: .warning, maxWidth: area.width - 2)
        }
        let wide = area.width >= 120
        let table = TextTable(
            columns: [
                .init("Lot", width: wide ? 16 : 12), .init("Kind", width: wide ? 16 : 11), .init("Product", width: 0),
                .init("Expires", width: 10), .init("Status", width: wide ? 24 : 10), .init("", width: wide ? 19 : 9),
            ], totalWidth: area.width - 2)
        c.put(table.row(table.columns.map(\.title)), x: x0, y: y0 + 2 + shift, role: .header)
        if !m.lotsLoaded {
            c.put("Loading the register…", x: x0, y: y0 + 4, role: .muted)
            return
        }
        if rows.isEmpty {
            c.put("No lots yet. Press a to add the lots on the shelf.", x: x0, y: y0 + 4, role: .muted)
            return
        }
        let visible = area.height - 4 - shift
        let first = max(0, m.lots.selected - visible + 1)
        for (i, lot) in rows.enumerated().dropFirst(first).prefix(visible) {
            var status = lot.status.label
            if case .withdrawn(let reason) = lot.status { status += ": " + Visible.text(reason) }
            // A damaged line names this lot: a withdrawal or use-up may be in it, so it is never shown
            // as plainly in stock.
            let inDoubt = m.lotDamage?.flagged.contains(LotRegister.key(lot.number)) ?? false
            if inDoubt { status = wide ? "unknown: line unreadable" : "unknown!" }
            let days = LotListing.expiryNote(lot, today: today, within: warn)
            let inUse = lot.status == .inStock || lot.status == .open
            let short = days.replacingOccurrences(of: "expires in ", with: "").replacingOccurrences(
                of: "expiry not recorded", with: "no expiry")
            let note = inDoubt ? (wide ? "status unknown" : "see !!") : inUse ? (wide ? days : short) : ""
            let cells = [
                Visible.text(lot.number), lot.kind.label, Visible.text(lot.product), lot.expires?.description ?? "—",
                status,
                note.replacingOccurrences(of: " (usable today)", with: ""),
            ]
            let y = y0 + 3 + shift + i - first
            let selected = i == m.lots.selected
            if selected { c.fill(x: area.x, y: y, width: area.width, height: 1, role: .selected) }
            let role: StyleRole =
                selected
                ? .selected
                : inDoubt
                    ? .danger : !inUse ? .muted : lot.isExpired(on: today) ? .danger : note.isEmpty ? .normal : .warning
            c.put(table.row(cells), x: x0, y: y, role: role)
        }
    }
}
