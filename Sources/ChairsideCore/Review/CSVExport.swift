import Foundation

/// CSV as RFC 4180 writes it, for the clinic's spreadsheets. Text from patients and staff is
/// made harmless twice over: control characters become visible (as on screen), and a cell
/// that a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe.
public enum CSV {
    public static func line(_ cells: [String]) -> String {
        cells.map(field).joined(separator: ",") + "\r\n"
    }

    static func field(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            return value
        }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The same CSV for a spreadsheet's double-click: a UTF-8 byte-order mark first, which is what
    /// Excel and LibreOffice take as "this is UTF-8" (without it they guess a legacy code page and
    /// "José" shows as "JosÃ©"). Line ends are already CRLF.
    public static func excel(_ csv: String) -> String { "\u{FEFF}" + csv }

    /// A phone number as written: "+44 20 7946 0958" or "(11) 5555-0100" is no formula, and the
    /// apostrophe the formula guard would add ends up in the number a front desk dials from.
    /// Anything else (a "+" before words, "=", "@") is guarded like free text.
    public static func phone(_ value: String) -> String {
        let visible = Visible.text(value)
        let digits = Set<Character>("0123456789")
        let marks = Set<Character>(" +-()")
        let isPhone =
            visible.contains(where: digits.contains) && visible.allSatisfy { digits.contains($0) || marks.contains($0) }
        return isPhone ? visible : text(value)
    }

    /// For free text only; numbers and dates are written as they are.
    public static func text(_ value: String) -> String {
        let visible = Visible.text(value)
        guard let first = visible.unicodeScalars.first, "=+-@".unicodeScalars.contains(first) else { return visible }
        return "'" + visible
    }
}

/// The export's columns. Names and order are stable: README documents them, spreadsheets depend on them.
public enum SessionExport {
    public static let sessionColumns = [
        "session_id", "date", "start", "end", "duration_min", "status", "patient_id", "patient_name", "chart_number",
        "technician", "room", "planned_zones", "treated_zones", "passes", "max_depth_mm", "prp_applied_ml",
        "warnings", "adverse_events", "overridden", "amendments", "aftercare", "abort_reason", "day_anchor",
        "unreadable_lines",
        "charted_at",
        "end_unreadable", "chain_breaks",
        "uncounted_min",
    ]

    /// `dayAnchor` is the anchor of the session's day (its Merkle root), so a spreadsheet carries
    /// what `chairside check` and `chairside anchor` verify.
    public static func sessionRow(
        _ s: SessionSummary, chartNumber: String, dayAnchor: String, timeZone: TimeZone,
        now: Date
    ) -> [String] {
        [
            s.id, ClinicDay(s.startedAt, timeZone: timeZone).description, Clock.hhmm(s.startedAt, timeZone: timeZone),
            s.endedAt.map { Clock.hhmm($0, timeZone: timeZone) } ?? "",
            String(s.durationSeconds(now: now) / 60), s.exportStatus, s.patientID, CSV.text(s.patientName),
            CSV.text(chartNumber), CSV.text(s.technician), CSV.text(s.room), s.plannedZones.joined(separator: ";"),
            s.zoneDepths.map(\.zone).joined(separator: ";"), String(s.passes),
            s.deepest.map { String(format: "%.2f", $0) } ?? "", String(format: "%.1f", s.prpAppliedML),
            String(s.warnings), String(s.adverseEvents), s.overridden ? "yes" : "no", String(s.amendments),
            s.aftercare ?? "", CSV.text(s.abortReason ?? ""), dayAnchor,
            // A receiving system must know the record has a gap (`chairside show` names the lines).
            String(s.unreadableLines),
            s.chartedAt.map { "\(ClinicDay($0, timeZone: timeZone)) \(Clock.hhmm($0, timeZone: timeZone))" } ?? "",
            // The journal's end is unreadable: the status is as replayed, a completion may be unreadable.
            s.endUnreadable ? "yes" : "no",
            s.chainBreaks.map(String.init).joined(separator: ";"),
            // Minutes between the last event read before an unreadable end and going on after it:
            // left out of `duration_min`, which is then a lower bound. Empty when there is none.
            s.uncountedSeconds.map { String($0 / 60) } ?? "",
        ]
    }

    /// The header and one row per session; `chartNumber` looks a patient's chart number up by ID.
    public static func sessionsCSV(
        _ sessions: [SessionSummary], chartNumber: (String) -> String,
        dayAnchor: (ClinicDay) -> String, timeZone: TimeZone, now: Date
    ) -> String {
        sessions.reduce(CSV.line(sessionColumns)) { out, s in
            let anchor = dayAnchor(ClinicDay(s.startedAt, timeZone: timeZone))
            return out
                + CSV.line(
                    sessionRow(
                        s, chartNumber: chartNumber(s.patientID), dayAnchor: anchor, timeZone: timeZone, now: now))
        }
    }

    public static let passColumns = [
        "session_id", "date", "time", "patient_id", "seq", "zone", "depth_mm", "count", "pattern", "endpoint",
        "above_protocol", "by",
    ]

    /// One row per pass that stands (voided passes are left out).
    public static func passRows(_ state: SessionState, timeZone: TimeZone) -> [[String]] {
        let patientID = state.start?.patientID ?? ""
        return state.passes.map { logged in
            let by = state.event(seq: logged.seq)?.by ?? ""
            var above = false
            if case .passLogged(_, let confirmed)? = state.event(seq: logged.seq)?.kind { above = confirmed }
            return [
                state.id, ClinicDay(logged.at, timeZone: timeZone).description,
                Clock.hhmm(logged.at, timeZone: timeZone),
                patientID, String(logged.seq), logged.pass.zone, String(format: "%.2f", logged.pass.depth),
                String(logged.pass.count),
                logged.pass.pattern.rawValue, logged.pass.endpoint.rawValue, above ? "yes" : "no", CSV.text(by),
            ]
        }
    }
}
