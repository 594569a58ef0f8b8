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
        ].compactMap { $0 }.joined(separator: " · ")
        c.put("SESSION DETAIL · " + summary, x: x0, y: y0 + 1, role: .header, maxWidth: area.width - 2)
        let table = TextTable(
            columns: [
                .init("Time", width: 5), .init("#", width: 3, alignRight: true),
                .init("By", width: area.width >= 120 ? 16 : 12), .init("Event", width: 0),
            ],
            totalWidth: area.width - 2)
        c.put(table.row(table.columns.map(\.title)), x: x0, y: y0 + 3, role: .header)
        let top = y0 + 4
        let rows = rowsShown(in: area)
        let all = TimelineRow.rows(st)
        let end = max(0, all.count - s.detailBack)
        for (i, row) in all[max(0, end - rows)..<end].enumerated() {
            guard case .event(let e) = row else {
                if case .unreadable(let gap) = row {
                    let seq = gap.lastSeq < gap.firstSeq ? "" : "\(gap.firstSeq)"
                    c.put(
                        table.row(["", seq, "", "!! " + gap.text]), x: x0, y: top + i, role: .danger,
                        maxWidth: area.width - 2)
                }
                continue
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
            c.put(
                table.row([Clock.hhmm(e.at, timeZone: m.timeZone), "\(e.seq)", Visible.text(e.by), text]), x: x0,
                y: top + i, role: role,
                maxWidth: area.width - 2)
        }
        if s.detailBack > 0 {
            c.put("(\(s.detailBack) newer below: ↓ or End)", x: x0, y: area.maxY, role: .muted)
        }
    }

    /// Timeline rows that fit: the area less the title, the column heads and the scroll note.
    static func rowsShown(in area: Rect) -> Int { max(1, area.height - 5) }
}
