import ChairsideCore
import Foundation

/// The session detail: the whole timeline full screen, with time, sequence number and who
/// did each step. Voided events stay, marked ✗ with the reason; overrides, warnings and
/// adverse events stand out.
enum SessionDetailView {
    static func draw(_ m: AppModel, _ s: AppModel.SessionScreen, now: Date, into c: inout Canvas) {
        let st = s.state
        let proto = m.config.protocolSettings
        let summary = [
            st.statusLabel,
            "\(st.passes.count) pass\(st.passes.count == 1 ? "" : "es")",
            st.totalPRPAppliedML > 0 ? String(format: "PRP %.1f mL", st.totalPRPAppliedML) : nil,
            st.aftercare.map { "aftercare " + $0.kindLabel },
            st.voided.isEmpty ? nil : "\(st.voided.count) voided",
        ].compactMap { $0 }.joined(separator: " · ")
        c.put("SESSION DETAIL · " + summary, x: 1, y: 1, role: .header, maxWidth: m.width - 2)
        let table = TextTable(columns: [.init("Time", width: 5), .init("#", width: 3, alignRight: true),
                                        .init("By", width: m.width >= 120 ? 16 : 12), .init("Event", width: 0)],
                              totalWidth: m.width - 2)
        c.put(table.row(table.columns.map(\.title)), x: 1, y: 3, role: .header)
        let top = 4, rows = m.height - 4 - top
        let end = max(0, st.events.count - s.detailBack)
        let shown = st.events[max(0, end - rows)..<end]
        for (i, e) in shown.enumerated() {
            var text = Visible.text(EventDescription.line(e.kind, proto: proto))
            var role: StyleRole = .normal
            switch e.kind {
            case .warning: role = .warning
            case .overridden, .adverseEvent, .aborted: role = .danger
            case .amended, .voided: role = .muted
            case .completed: role = .ok
            default: break
            }
            if let reason = st.voided[e.seq] {
                text = "✗ VOIDED (\(Visible.text(reason))): " + text
                role = .muted
            }
            c.put(table.row([Clock.hhmm(e.at, timeZone: m.timeZone), "\(e.seq)", Visible.text(e.by), text]), x: 1, y: top + i, role: role, maxWidth: m.width - 2)
        }
        if s.detailBack > 0 {
            c.put("(\(s.detailBack) newer below: ↓ or End)", x: 1, y: m.height - 4, role: .muted)
        }
    }
}
