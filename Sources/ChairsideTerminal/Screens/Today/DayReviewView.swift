import ChairsideCore
import Foundation

/// The day review: any date's sessions with who, where, what and how long, flags for what a
/// reviewer must look at, and the day's totals. Today is simply the date it opens on.
enum DayReviewView {
    /// D damaged (a line unreadable, the end unreadable, or the hash chain broken) · O provider override ·
    /// W warnings · A adverse event · + amended.
    static func flags(_ s: SessionSummary) -> String {
        (damaged(s) ? "D" : "") + (s.overridden ? "O" : "") + (s.warnings > 0 ? "W" : "")
            + (s.adverseEvents > 0 ? "A" : "") + (s.amendments > 0 ? "+" : "")
    }

    /// What the D flag stands for: any line unreadable, the journal's end unreadable, a hash chain break.
    static func damaged(_ s: SessionSummary) -> Bool {
        s.unreadableLines > 0 || s.endUnreadable || !s.chainBreaks.isEmpty
    }

    /// Lots that expire within the clinic's warning days ([lots] expiry_warning_days): the open ones by
    /// number, soonest first (the most urgent is never the one cut), as many as fit in `width`, then
    /// "+N more"; those still in stock only counted. Always ends with the key to the lots screen.
    static func expiringLots(_ m: AppModel, today: ClinicDay, width: Int = .max) -> String? {
        let days = m.config.lotExpiryWarningDays
        let soon = m.lotRegister.expiring(within: days, on: today)
        guard !soon.isEmpty else { return nil }
        let open = soon.filter { $0.status == .open }
        let items = open.map { "\(Visible.text($0.number)) \($0.expires?.description ?? "expiry?")" }
        let stock = soon.count - open.count
        let tail = (stock > 0 ? (open.isEmpty ? "" : " · ") + "\(stock) in stock" : "") + " (L)"
        let heads =
            open.isEmpty
            ? ["Lots expiring within \(days) days or without expiry: ", "Expiring within \(days) days: "]
            : ["Open lots expiring within \(days) days or without expiry: ", "Expiring within \(days) days: "]
        func line(_ head: String, _ shown: Int) -> String {
            let more = items.count - shown
            let list = items.prefix(shown).joined(separator: ", ")
            return head + list + (more > 0 ? (shown > 0 ? " " : "") + "+\(more) more" : "") + tail
        }
        // As many lots as fit first, then the longer wording.
        for shown in stride(from: items.count, through: min(1, items.count), by: -1) {
            for head in heads where DisplayWidth.of(line(head, shown)) <= width { return line(head, shown) }
        }
        return line(heads[1], 0)
    }

    /// The day's journals no longer match the anchor recorded before a repair rebuilt its index:
    /// both roots (short) and what to do, the first finding not yet accepted before accepted ones.
    static func anchorMismatchLine(_ m: AppModel, width: Int) -> String? {
        let all = m.today.anchorMismatches
        guard let first = all.first(where: { !$0.accepted }) ?? all.first else { return nil }
        func stamp(_ s: String) -> String { s.prefix(16).replacingOccurrences(of: "T", with: " ") + " UTC" }
        let when = stamp(first.detectedAt)
        func was(_ k: Int) -> String { first.recordedRoot.map { String($0.prefix(k)) } ?? "not known" }
        func now(_ k: Int) -> String { String(first.rootNow.prefix(k)) }
        let verb = first.differs ? "no longer matches" : "matches again"
        let tail = first.acceptedAt.map { " (accepted at \(stamp($0)))" } ?? ". Run `chairside check`."
        let short = first.accepted ? " (accepted)" : ": run `chairside check`"
        // Longest first; the roots and what to do are the last things given up.
        let lines = [
            "!! The day \(verb) its anchor recorded before \(when): recorded \(was(16)), now \(now(16))" + tail,
            "!! The day \(verb) its anchor recorded before \(when): recorded \(was(8)), now \(now(8))" + tail,
            "!! The day \(verb) its anchor of \(when): was \(was(8)), now \(now(8))" + tail,
            "!! The day's anchor was \(was(8)), now \(now(8))" + short,
        ]
        return lines.first { DisplayWidth.of($0) <= width } ?? lines[lines.count - 1]
    }

    static func draw(_ m: AppModel, now: Date, in area: Rect, into c: inout Canvas) {
        let today = ClinicDay(now, timeZone: m.timeZone)
        let day = m.today.day
        let rooms = m.today.allRooms ? " · all rooms" : ""
        let name = (day == today ? "Today" : "Day review") + rooms
        let replica = m.replica.map { $0 + " · " } ?? ""
        let time = Clock.hhmm(now, timeZone: m.timeZone)
        // The header says the whole day and the replica's state at any width: it sheds the program's name,
        // then the ISO date (the long date says it), before anything would be cut.
        let choices = [
            ("Chairside · \(name) · \(AftercareSheet.longDate(day))", "\(replica)\(day)  \(time)"),
            ("\(name) · \(AftercareSheet.longDate(day))", "\(replica)\(day)  \(time)"),
            ("\(name) · \(AftercareSheet.longDate(day))", "\(replica)\(time)"),
            ("\(name) · \(day)", "\(replica)\(time)"),
        ]
        let (title, right) =
            choices.first { DisplayWidth.of($0.0) + DisplayWidth.of($0.1) + 3 <= area.width } ?? choices[3]
        AppView.header(title, right: right, in: area, into: &c)
        let (x0, y0) = (area.x + 1, area.y)
        let wide = area.width >= 120
        let table = TextTable(
            columns: [
                .init("Start", width: 5), .init("Time", width: 5, alignRight: true), .init("Patient", width: 0),
                .init("Technician", width: wide ? 16 : 8), .init("Room", width: wide ? 10 : 6),
                .init("Zones", width: wide ? 26 : 9),
                .init("PRP", width: 4, alignRight: true), .init("Status", width: wide ? 11 : 9),
                .init("Flag", width: 4),
            ], totalWidth: area.width - 2)
        // The lines above the table: an anchor that no longer matches, then lots expiring (today only).
        var banners: [(String, StyleRole)] = []
        if let line = anchorMismatchLine(m, width: area.width - 2) {
            // Once someone accepted it, it is a recorded fact rather than an alarm.
            banners.append((line, m.today.anchorMismatches.allSatisfy(\.accepted) ? .warning : .danger))
        }
        if day == today, let line = expiringLots(m, today: today, width: area.width - 2) {
            banners.append((line, .warning))
        }
        let shift = max(0, banners.count - 1)
        for (i, banner) in banners.enumerated() {
            c.put(banner.0, x: x0, y: y0 + 1 + i, role: banner.1, maxWidth: area.width - 2)
        }
        c.put(table.row(table.columns.map(\.title)), x: x0, y: y0 + 2 + shift, role: .header)
        let list = m.today.sessions
        if m.today.loading {
            c.put("Loading the day…", x: x0, y: y0 + 4 + shift, role: .muted)
        } else if list.isEmpty {
            let hint =
                day == today
                ? "No sessions yet today. Press n to start one."
                : "No sessions on \(day). ← → change the day, g goes to a date."
            c.put(hint, x: x0, y: y0 + 4 + shift, role: .muted)
        }
        let proto = m.config.protocolSettings
        let visible = area.height - 5 - shift
        let first = max(0, m.today.selected - visible + 1)
        for (row, s) in list.enumerated().dropFirst(first).prefix(visible) {
            let zones = (s.zoneDepths.isEmpty ? s.plannedZones : s.zoneDepths.map(\.zone)).map(proto.zoneName).joined(
                separator: ", ")
            let status = s.isOpen ? (s.paused ? "paused" : s.step) : s.shortStatusLabel
            let flag = flags(s)
            let cells = [
                Clock.hhmm(s.startedAt, timeZone: m.timeZone), s.chairTimeText(now: now),
                Visible.text(s.patientName), Visible.text(s.technician), Visible.text(s.room), Visible.text(zones),
                s.prpAppliedML > 0 ? String(format: "%.1f", s.prpAppliedML) : "—", status, flag,
            ]
            let selected = row == m.today.selected
            let y = y0 + 3 + shift + row - first
            if selected { c.fill(x: area.x, y: y, width: area.width, height: 1, role: .selected) }
            c.put(table.row(cells), x: x0, y: y, role: selected ? .selected : (s.status == .aborted ? .muted : .normal))
            if !flag.isEmpty && !selected {
                c.put(
                    flag, x: x0 + table.offset(ofColumn: table.columns.count - 1), y: y,
                    role: s.adverseEvents > 0 || s.overridden || damaged(s) ? .danger : .warning)
            }
        }
        c.put(DayTotals(list, now: now).line, x: x0, y: area.maxY - 1, role: .header, maxWidth: area.width - 2)
        // D covers an unreadable line, an unreadable end and a hash chain break; said in full where it fits.
        let damage = area.width >= 100 ? "D damage (line/end/chain)" : "D damage"
        let legend = "Flags: \(damage) · O override · W warning · A adverse event · + amended"
        c.put(legend, x: x0, y: area.maxY, role: .muted, maxWidth: area.width - 2)
        if let anchor = m.today.anchor {
            // The day's anchor (a digest over its sessions' heads), to compare with an export or `chairside anchor`.
            let text = "anchor " + anchor
            if DisplayWidth.of(legend) + DisplayWidth.of(text) + 4 <= area.width {
                c.put(text, x: area.x + area.width - DisplayWidth.of(text) - 1, y: area.maxY, role: .muted)
            }
        }
    }
}
