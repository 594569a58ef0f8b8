import Foundation

/// The facts of one session that go on the patient's aftercare sheet, ready for a template.
/// Every text here has passed through `Visible.text`, so a hostile name cannot act on a
/// terminal or a printer whatever template a clinic writes.
public struct AftercareSheet: Equatable, Sendable {
    public struct Zone: Equatable, Sendable {
        public var name: String
        public var depthRange: String
        /// The protocol's zone id, for the face outline.
        public var id: String = ""
    }

    public var clinicName: String
    public var clinicPhone: String
    public var patientName: String
    public var technician: String
    public var date: String
    public var time: String
    public var zones: [Zone]
    /// "0.50–1.50 mm", empty when no pass was logged.
    public var depthRange: String
    public var deepestDepth: String
    /// "4–5 days", empty when no pass was logged.
    public var downtime: String
    public var nextVisitFrom: String
    public var nextVisitTo: String
    public var series: SeriesPosition
    public var settings: AftercareSettings
    /// "21 November 2026 at 16:05" when the session was charted after the fact; empty otherwise.
    public var chartedLate = ""

    public init(state: SessionState, history: [SessionRef], config: ClinicConfig, timeZone: TimeZone) {
        let proto = config.protocolSettings
        let settings = config.aftercare
        let startedAt = state.start?.at ?? state.events.first?.at ?? Date(timeIntervalSince1970: 0)
        self.settings = settings
        clinicName = Visible.text(config.clinicName)
        clinicPhone = Visible.text(config.clinicPhone)
        patientName = Visible.text(state.start?.patientName ?? "")
        technician = Visible.text(state.start?.technician ?? "")
        let day = ClinicDay(startedAt, timeZone: timeZone)
        date = SheetDate.long(day)
        time = Clock.hhmm(startedAt, timeZone: timeZone)

        zones = ZoneDepths.of(state.passes.map(\.pass)).map {
            Zone(name: Visible.text(proto.zoneName($0.zone)), depthRange: $0.range + " mm", id: $0.zone)
        }
        let all = state.passes.map(\.pass.depth)
        depthRange = all.isEmpty ? "" : Self.range(all)
        deepestDepth = all.max().map(Self.mm) ?? ""
        if let deepest = all.max(), let band = settings.downtime(forDepth: deepest) {
            downtime = band.minDays == band.maxDays ? "\(band.minDays) days" : "\(band.minDays)–\(band.maxDays) days"
        } else {
            downtime = ""
        }

        series = SeriesPosition(sessionID: state.id, startedAt: startedAt, history: history, settings: settings)
        let window = NextVisitWindow(sessionDay: day, series: series, proto: proto, settings: settings)
        nextVisitFrom = SheetDate.long(window.from)
        nextVisitTo = SheetDate.long(window.to)
        if state.isLateEntry, let written = state.events.first?.recordedAt {
            let writtenDay = ClinicDay(written, timeZone: timeZone)
            chartedLate = "\(SheetDate.long(writtenDay)) at \(Clock.hhmm(written, timeZone: timeZone))"
        }
    }

    /// "Saturday 21 November 2026", whatever the machine's locale.
    public static func longDate(_ day: ClinicDay) -> String { SheetDate.long(day) }

    static func mm(_ depth: Double) -> String { String(format: "%.2f mm", depth) }

    static func range(_ depths: [Double]) -> String {
        guard let lo = depths.min(), let hi = depths.max() else { return "" }
        return ZoneDepths.rangeText(min: lo, max: hi) + " mm"
    }

    /// The names a template may use, with what each holds; the validator and the README use this list.
    public static let fields: [(name: String, meaning: String)] = [
        ("clinic_name", "the clinic's name from the config"),
        ("clinic_phone", "the clinic's phone number (empty if not set)"),
        ("patient_name", "the patient's name"),
        ("technician", "who did the treatment"),
        ("date", "the session date, e.g. Saturday 21 November 2026"),
        ("time", "the session start time, e.g. 09:00"),
        ("charted_late", "when a session charted after the fact was written (empty for one charted live)"),
        ("has_zones", "true when at least one pass was logged"),
        ("zones", "list of treated zones; inside: name, depth_range"),
        ("zone_list", "the treated zones in one line, e.g. Cheeks, Forehead"),
        ("depth_range", "the range of depths used, e.g. 0.50–1.50 mm"),
        ("deepest_depth", "the deepest depth used"),
        ("downtime", "expected downtime from the deepest depth, e.g. 4–5 days"),
        ("makeup_free_hours", "hours without make-up"),
        ("sun_avoid_days", "days to avoid direct sun"),
        ("exercise_free_hours", "hours without heavy exercise, sauna or swimming"),
        ("rest_hours", "hours to rest after the session"),
        ("actives_after_days", "days before retinoids and acids"),
        ("toner_free_days", "days without alcohol-based toners"),
        ("next_visit_from", "earliest date for the next session"),
        ("next_visit_to", "latest date for the next session"),
        ("series", "e.g. session 2 of a 4–6 series"),
        ("session_number", "the session's number in the series"),
        ("series_min", "the shortest series"),
        ("series_max", "the longest series"),
        ("series_complete", "true when this session ends the longest series; the next visit is maintenance"),
    ]

    static let zoneFields: Set<String> = ["name", "depth_range"]

    /// The template context. Keys are `fields`; an empty phone or technician is left out, so
    /// `{{#clinic_phone}}…{{/clinic_phone}}` shows only when there is one.
    public var context: [String: Any] {
        var values: [String: Any] = [
            "clinic_name": clinicName,
            "clinic_phone": clinicPhone,
            "patient_name": patientName,
            "technician": technician,
            "date": date,
            "time": time,
            "charted_late": chartedLate,
            "has_zones": !zones.isEmpty,
            "zones": zones.map { ["name": $0.name, "depth_range": $0.depthRange] },
            "zone_list": zones.map(\.name).joined(separator: ", "),
            "depth_range": depthRange,
            "deepest_depth": deepestDepth,
            "downtime": downtime,
            "makeup_free_hours": settings.makeupFreeHours,
            "sun_avoid_days": settings.sunAvoidDays,
            "exercise_free_hours": settings.exerciseFreeHours,
            "rest_hours": settings.restHours,
            "actives_after_days": settings.activesAfterDays,
            "toner_free_days": settings.tonerFreeDays,
            "next_visit_from": nextVisitFrom,
            "next_visit_to": nextVisitTo,
            "series": series.label,
            "session_number": series.number,
            "series_min": settings.seriesMin,
            "series_max": settings.seriesMax,
            "series_complete": series.seriesComplete,
        ]
        if clinicPhone.isEmpty { values["clinic_phone"] = nil }
        if technician.isEmpty { values["technician"] = nil }
        if chartedLate.isEmpty { values["charted_late"] = nil }
        return values
    }
}

/// Dates as a patient reads them, in English whatever the machine's locale.
enum SheetDate {
    static let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    static let months = [
        "January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December",
    ]

    static func long(_ day: ClinicDay) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let weekday = cal.component(.weekday, from: day.start(in: cal.timeZone))
        return "\(weekdays[weekday - 1]) \(day.day) \(months[day.month - 1]) \(day.year)"
    }
}

extension SessionState {
    /// The command that records handing out `delivery`: the aftercare itself, or once that is
    /// recorded, a further copy.
    public func aftercareCommand(_ delivery: AftercareDelivery) -> SessionCommand {
        aftercare == nil ? .recordAftercare(delivery) : .reissueAftercare(delivery)
    }

    /// Asks the decider whether handing out a sheet would be accepted now, before anything is
    /// printed or saved: a refused step must never leave the room as paper nobody recorded.
    public func checkAftercareAllowed(context: DecisionContext, now: Date) throws(Refusal) {
        _ = try Decider.decide(
            aftercareCommand(.printed(printer: "", jobID: "")), state: self, context: context, now: now)
    }

    /// The session's own entry for series counting, whether or not the patient index has it yet.
    public func withOwnRef(_ history: [SessionRef]) -> [SessionRef] {
        guard let start, !history.contains(where: { $0.sessionID == id }) else { return history }
        return history + [SessionRef(sessionID: id, startedAt: start.at, status: status)]
    }
}
