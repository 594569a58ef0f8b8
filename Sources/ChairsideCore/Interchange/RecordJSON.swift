import Foundation

/// The published JSON of the command line (`today --json`, `show --json`, `history --json`):
/// one schema, docs/schema/chairside.schema.json, snake_case names like the CSV columns.
/// Every document is an object with `schema_version` and a `kind` that says which shape it is,
/// so new kinds (recall lists, due lists, lots) can be added without touching the others.
/// Text carries the stored value exactly; JSON escaping keeps it harmless on a terminal.
public enum RecordJSON {
    /// Bumped only when a field changes meaning or goes away; adding a field keeps the version.
    public static let schemaVersion = 1

    static func document(kind: String, _ fields: [String: JSONValue]) -> JSONValue {
        var all = fields
        all["schema_version"] = .integer(schemaVersion)
        all["kind"] = .string(kind)
        return .object(all)
    }

    static func depth(_ v: Double?) -> JSONValue { v.map(JSONValue.number) ?? .null }

    static func time(_ d: Date?) -> JSONValue { d.map { .string(Timestamp.format($0)) } ?? .null }

    /// One session as the day list, the history and `show` carry it: the CSV's columns and a
    /// little more (times as UTC instants, the depth range per zone).
    public static func session(
        _ s: SessionSummary, chartNumber: String, proto: ClinicProtocol,
        timeZone: TimeZone, now: Date
    ) -> JSONValue {
        .object([
            "session_id": .string(s.id),
            "date": .string(ClinicDay(s.startedAt, timeZone: timeZone).description),
            "started_at": time(s.startedAt),
            "ended_at": time(s.endedAt),
            "duration_min": .integer(s.durationSeconds(now: now) / 60),
            "status": .string(s.exportStatus),
            "paused": .bool(s.paused),
            "step": .string(s.step),
            "patient_id": .string(s.patientID),
            "patient_name": .string(s.patientName),
            "chart_number": .string(chartNumber),
            "technician": .string(s.technician),
            "room": .string(s.room),
            "planned_zones": .array(s.plannedZones.map(JSONValue.string)),
            "treated_zones": .array(
                s.zoneDepths.map { z in
                    .object([
                        "zone": .string(z.zone), "name": .string(proto.zoneName(z.zone)),
                        "min_depth_mm": depth(z.depthKnown ? z.min : nil),
                        "max_depth_mm": depth(z.depthKnown ? z.max : nil),
                        "passes": .integer(z.passes),
                    ])
                }),
            "passes": .integer(s.passes),
            "max_depth_mm": depth(s.deepest),
            "prp_applied_ml": .number(s.prpAppliedML),
            "warnings": .integer(s.warnings),
            "adverse_events": .integer(s.adverseEvents),
            "overridden": .bool(s.overridden),
            "amendments": .integer(s.amendments),
            "aftercare": .optional(s.aftercare),
            "abort_reason": .optional(s.abortReason),
            // Lines of the journal that could not be read: the record has a gap there.
            "unreadable_lines": .integer(s.unreadableLines),
            // The journal's end is unreadable (issue 14): the status is as replayed; the day index may
            // have recorded a closed one, given beside it. Chain breaks: events a line before was changed.
            "end_unreadable": .bool(s.endUnreadable),
            "end_status_per_index": .optional(s.endStatusPerIndex?.rawValue),
            "chain_breaks": .array(s.chainBreaks.map(JSONValue.integer)),
            // Left out of `duration_min` (a lower bound then): the stretch before going on after an unreadable end.
            "uncounted_min": s.uncountedSeconds.map { .integer($0 / 60) } ?? .null,
            "late_entry": .bool(s.chartedAt != nil),
            "charted_at": time(s.chartedAt),
        ])
    }

    /// Each unreadable line of a session's journal, where its bytes are kept and which events it stands for.
    static func unreadable(_ state: SessionState) -> JSONValue {
        .array(
            state.unreadable.map { u in
                .object([
                    "file": .string(u.keptIn), "line": .integer(u.line), "first_seq": .integer(u.firstSeq),
                    "last_seq": .integer(u.lastSeq), "open_ended": .bool(u.openEnded), "text": .string(u.text),
                ])
            })
    }

    /// `today --json`: the day's sessions and its totals.
    public static func day(
        _ day: ClinicDay, sessions: [SessionSummary], chartNumber: (String) -> String,
        proto: ClinicProtocol, timeZone: TimeZone, now: Date
    ) -> JSONValue {
        let totals = DayTotals(sessions, now: now)
        return document(
            kind: "day",
            [
                "date": .string(day.description),
                "sessions": .array(
                    sessions.map {
                        session($0, chartNumber: chartNumber($0.patientID), proto: proto, timeZone: timeZone, now: now)
                    }),
                "totals": .object([
                    "sessions": .integer(totals.sessions), "completed": .integer(totals.completed),
                    "aborted": .integer(totals.aborted), "open": .integer(totals.open),
                    "chair_time_min": .integer(totals.chairSeconds / 60),
                    "prp_applied_ml": .number(totals.prpAppliedML),
                ]),
            ])
    }

    /// `show --json`: the session summary and every event, voided ones marked with the reason.
    public static func record(
        _ state: SessionState, chartNumber: String, proto: ClinicProtocol,
        timeZone: TimeZone, now: Date
    ) -> JSONValue {
        let summary = SessionSummary(state: state, journalBytes: 0).map {
            session($0, chartNumber: chartNumber, proto: proto, timeZone: timeZone, now: now)
        }
        return document(
            kind: "session",
            [
                "session": summary ?? .null,
                "events": .array(state.events.map { event($0, state: state, proto: proto) }),
                "unreadable": unreadable(state),
            ])
    }

    /// `history --json`: the patient, the latest screening dates, each session with its interval and series place.
    public static func history(
        _ patient: Patient, history: PatientHistory, proto: ClinicProtocol,
        timeZone: TimeZone, now: Date
    ) -> JSONValue {
        document(
            kind: "patient_history",
            [
                "patient": .object([
                    "patient_id": .string(patient.id),
                    "name": .string(patient.name),
                    "chart_number": .string(patient.chartNumber),
                    "date_of_birth": .optional(patient.dateOfBirth?.description),
                    "fitzpatrick": patient.fitzpatrick.map(JSONValue.integer) ?? .null,
                ]),
                "last_screening_dates": .object(history.lastDates.mapValues { .string($0.description) }),
                "last_screening_undated": .object(history.lastUndated.mapValues { .string($0.description) }),
                "sessions": .array(
                    history.rows.map { row in
                        .object([
                            "session": session(
                                row.summary, chartNumber: patient.chartNumber, proto: proto,
                                timeZone: timeZone, now: now),
                            "interval_days": row.intervalDays.map(JSONValue.integer) ?? .null,
                            "series_number": row.series.map(JSONValue.integer) ?? .null,
                            "series_label": row.series == nil ? .null : .string(row.seriesLabel),
                        ])
                    }),
            ])
    }

    /// An event as a reader wants it: its type in snake_case, a one-line description, and its
    /// facts under `details` with snake_case names (listed per type in the schema).
    public static func event(_ e: SessionEvent, state: SessionState, proto: ClinicProtocol) -> JSONValue {
        let (type, details) = EventFacts.of(e.kind)
        return .object([
            "seq": .integer(e.seq),
            "at": time(e.at),
            "by": .string(e.by),
            "type": .string(type),
            "text": .string(EventDescription.line(e.kind, proto: proto)),
            "voided": .bool(state.voided[e.seq] != nil),
            "void_reason": .optional(state.voided[e.seq]),
            "details": .object(details),
            "late_entry": .bool(e.isLateEntry),
            "recorded_at": time(e.recordedAt),
        ])
    }
}
