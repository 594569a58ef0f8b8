import ChairsideCore
import Foundation

/// The session detail: the whole timeline full screen, with time, sequence number and who
/// did each step. Voided events stay, marked ✗ with the reason; overrides, warnings and
/// adverse events stand out.
enum SessionDetailView {
    static func draw(_ m: AppModel, _ s: SessionScreen, now: Date, in area: Rect, into c: inout Canvas) {
        let (x0, y0) = (area.x + 1, area.y)
        let st = s.state
        let proto = m.config.protocolSettings
        let summary = [
            st.statusLabel,
            "\(st.passTotal) pass\(st.passTotal == 1 ? "" : "es")",
            st.totalPRPAppliedML > 0 ? String(format: "PRP %.1f mL", st.totalPRPAppliedML) : nil,
            st.aftercare.map { "aftercare " + $0.kindLabel },
            st.voided.isEmpty ? nil : "\(st.voided.count) voided",
            st.unreadable.isEmpty ? nil : "\(st.unreadable.count) unreadable",
            st.chainBreaks.isEmpty
                ? nil : "hash chain breaks before #" + st.chainBreaks.map(String.init).joined(separator: ", #"),
            st.chairTimeNote(now: now),
        ].compactMap { $0 }.joined(separator: " · ")
        c.put("SESSION DETAIL · " + summary, x: x0, y: y0 + 1, role: .header, maxWidth: area.width - 2)
        if st.endUnreadable {
            // Read-only until someone says to go on: a completion or void may be in the unreadable part.
            c.put(
                "!! READ-ONLY: its last event is unreadable. Press K to continue it anyway (recorded in the journal).",
                x: x0, y: y0 + 2, role: .danger, maxWidth: area.width - 2)
        }
        let table = TextTable(
            columns: [
                .init("Time", width: 5), .init("#", width: 3, alignRight: true),
                .init("By", width: area.width >= 120 ? 16 : 12), .init("Event", width: 0),
            ],
            totalWidth: area.width - 2)
        c.put(table.row(table.columns.map(\.title)), x: x0, y: y0 + 3, role: .header)
        let top = y0 + 4
        let room = rowsShown(in: area)
        let all = TimelineRow.rows(st)
        let end = max(0, all.count - s.detailBack)
        let eventWidth = table.columns[3].width
        // Newest at the bottom; an event longer than its column wraps under itself rather than being cut.
        var shown: [(String, StyleRole)] = []
        for row in all[..<end].reversed() {
            let (cells, role) = entry(row, st, proto: proto, timeZone: m.timeZone)
            let wrapped = DisplayWidth.wrap(cells[3], width: eventWidth)
            let lines = wrapped.enumerated().map { i, text in
                (table.row(i == 0 ? [cells[0], cells[1], cells[2], text] : ["", "", "", text]), role)
            }
            // Only whole events (one cut at the top would lose its time); the newest always shows.
            guard shown.count + lines.count <= room || shown.isEmpty else { break }
            shown.insert(contentsOf: lines.prefix(room), at: 0)
        }
        for (i, line) in shown.enumerated() {
            c.put(line.0, x: x0, y: top + i, role: line.1, maxWidth: area.width - 2)
        }
        if s.detailBack > 0 {
            c.put("(\(s.detailBack) newer below: ↓ or End)", x: x0, y: area.maxY, role: .muted)
        }
    }

    /// An event's cells (time, seq, by, text) and role; voided ones marked with the reason.
    static func entry(_ row: TimelineRow, _ st: SessionState, proto: ClinicProtocol, timeZone: TimeZone)
        -> ([String], StyleRole)
    {
        guard case .event(let e) = row else {
            if case .notice(let text) = row { return (["", "", "", "!! " + text], .danger) }
            guard case .unreadable(let gap) = row else { return (["", "", "", ""], .normal) }
            let seq = gap.lastSeq < gap.firstSeq ? "" : "\(gap.firstSeq)"
            return (["", seq, "", "!! " + gap.text], .danger)
        }
        var text = Visible.text(EventDescription.line(e.kind, proto: proto))
        var role: StyleRole = .normal
        switch e.kind {
        case .warning: role = .warning
        case .overridden, .adverseEvent, .aborted, .lotOverridden: role = .danger
        case .amended, .voided: role = .muted
        case .completed: role = .ok
        default: break
        }
        if let reason = st.voided[e.seq] {
            text = "✗ VOIDED (\(Visible.text(reason))): " + text
            role = .muted
        }
        if let late = EventDescription.lateNote(e, timeZone: timeZone) { text += " · " + late }
        return ([Clock.hhmm(e.at, timeZone: timeZone), "\(e.seq)", Visible.text(e.by), text], role)
    }

    /// Timeline rows that fit: the area less the title, the column heads and the scroll note.
    static func rowsShown(in area: Rect) -> Int { max(1, area.height - 5) }
}
