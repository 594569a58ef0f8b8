import ChairsideCore
import Foundation

/// Plain-text reports for the command line; every stored string passes through `Visible.text`.
public enum Reports {
    public static func day(_ day: ClinicDay, sessions: [SessionSummary], now: Date, timeZone: TimeZone) -> String {
        var out = "Sessions on \(day)\n"
        if sessions.isEmpty { return out + "No sessions.\n" }
        let table = TextTable(
            columns: [
                .init("START", width: 5), .init("ROOM", width: 10), .init("PATIENT", width: 22),
                .init("STEP", width: 12),
                .init("TIME", width: 5, alignRight: true), .init("STATUS", width: 11), .init("ID", width: 20),
            ], totalWidth: 110)
        out += trimmed(table.row(table.columns.map(\.title))) + "\n"
        for s in sessions {
            out +=
                trimmed(
                    table.row([
                        Clock.hhmm(s.startedAt, timeZone: timeZone), Visible.text(s.room), Visible.text(s.patientName),
                        s.isOpen ? s.step : "—", s.chairTimeText(now: now), s.shortStatusLabel,
                        s.id,
                    ])) + "\n"
        }
        if sessions.contains(where: \.chairTimeIsLowerBound) {
            out += "≥: an unreadable stretch (before a session was continued after its unreadable end) is not counted\n"
        }
        return out + DayTotals(sessions, now: now).line + "\n"
    }

    public static func history(_ h: PatientHistory, patient: Patient, config: ClinicConfig, timeZone: TimeZone)
        -> String
    {
        let proto = config.protocolSettings
        var out =
            "History of \(Visible.text(patient.name)) (chart \(Visible.text(patient.chartNumber)))"
            + (patient.dateOfBirth.map { ", born \($0)" } ?? "") + "\n"
        let dates = h.lastDateItems.map { "\($0.item) \($0.answer?.text ?? "—")" }
        out += "Last given at screening: " + dates.joined(separator: ", ") + "\n"
        if h.rows.isEmpty { return out + "No sessions.\n" }
        let table = TextTable(
            columns: [
                .init("DATE", width: 10), .init("DAYS", width: 4, alignRight: true), .init("SERIES", width: 11),
                .init("STATUS", width: 11),
                .init("TECHNICIAN", width: 16), .init("ID", width: 20), .init("DEPTH PER ZONE (mm)", width: 40),
            ], totalWidth: 140)
        out += trimmed(table.row(table.columns.map(\.title))) + "\n"
        for row in h.rows {
            let s = row.summary
            let depths = s.zoneDepths.map { "\(proto.zoneName($0.zone)) \($0.range)" }.joined(separator: ", ")
            out +=
                trimmed(
                    table.row([
                        ClinicDay(s.startedAt, timeZone: timeZone).description,
                        row.intervalDays.map(String.init) ?? "—",
                        row.seriesLabel, s.shortStatusLabel, Visible.text(s.technician), s.id,
                        Visible.text(depths.isEmpty ? "—" : depths),
                    ])) + "\n"
        }
        return out
    }

    public static func session(
        _ st: SessionState, patient: Patient?, proto: ClinicProtocol, now: Date, timeZone: TimeZone
    ) -> String {
        guard let start = st.start else {
            guard !st.unreadable.isEmpty else { return "Session \(st.id) has no events.\n" }
            // The start line itself is unreadable: the rest of the record is still shown, gaps in place.
            return "Session \(st.id) · start unreadable\nTimeline:\n" + timeline(st, proto: proto, timeZone: timeZone)
        }
        var out = "Session \(st.id) · \(st.statusLabel)\n"
        out +=
            "Patient: \(Visible.text(start.patientName))\(patient.map { " (\(Visible.text($0.chartNumber)))" } ?? "")\n"
        out += "Technician: \(Visible.text(start.technician)) · Room: \(Visible.text(start.room))\n"
        out +=
            "Started \(Clock.hhmm(start.at, timeZone: timeZone))\(st.endedAt.map { " · ended \(Clock.hhmm($0, timeZone: timeZone))" } ?? "") · elapsed \(Clock.mmss(st.elapsedSeconds(now: now)))\n"
        if let note = st.chairTimeNote(now: now) { out += note.prefix(1).uppercased() + note.dropFirst() + "\n" }
        out += "Planned zones: \(start.plannedZones.map(proto.zoneName).joined(separator: ", "))\n"
        out += String(format: "Passes: %d · PRP applied: %.1f mL", st.passTotal, st.totalPRPAppliedML) + "\n"
        if let written = st.events.first.flatMap({ EventDescription.lateNote($0, timeZone: timeZone) }) {
            out += "Charted after the fact: \(written) (times below are when each step happened)\n"
        }
        out += "Timeline:\n" + timeline(st, proto: proto, timeZone: timeZone)
        return out
    }

    /// The events in order, each unreadable line in its place before the first event numbered after it.
    static func timeline(_ st: SessionState, proto: ClinicProtocol, timeZone: TimeZone) -> String {
        var out = ""
        // An unreadable line stands in its place, before the first event numbered after it; a chain
        // break before the event it precedes; an unreadable end last (TimelineRow).
        for row in TimelineRow.rows(st) {
            switch row {
            case .unreadable(let gap): out += "  !! \(gap.text)\n"
            case .notice(let text): out += "  !! \(text)\n"
            case .event(let e):
                let what = Visible.text(EventDescription.line(e.kind, proto: proto))
                var line = "  \(Clock.hhmm(e.at, timeZone: timeZone)) #\(e.seq) \(Visible.text(e.by)): \(what)"
                if let reason = st.voided[e.seq] { line += " [VOIDED: \(Visible.text(reason))]" }
                if let late = EventDescription.lateNote(e, timeZone: timeZone) { line += " [\(late)]" }
                out += line + "\n"
            }
        }
        return out
    }

    static func trimmed(_ s: String) -> String {
        var t = Substring(s)
        while t.last == " " { t = t.dropLast() }
        return String(t)
    }
}
