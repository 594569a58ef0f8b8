/// When the patient should come back: between the protocol's minimum interval and
/// `next_visit_max_days` during a series, the maintenance window once the series is complete.
/// The aftercare sheet prints it; the FHIR export puts it in Procedure.followUp.
public struct NextVisitWindow: Equatable, Sendable {
    public var from: ClinicDay
    public var to: ClinicDay
    public var maintenance: Bool
    /// Days after the session the window opens and closes.
    public var days: ClosedRange<Int>
    /// The session the next visit would be in the course (1-based); past the course, maintenance.
    public var nextNumber: Int
    public var settings: AftercareSettings

    public init(sessionDay day: ClinicDay, series: SeriesPosition, proto: ClinicProtocol, settings: AftercareSettings) {
        maintenance = series.seriesComplete
        let span =
            maintenance
            ? (settings.maintenanceMinDays, settings.maintenanceMaxDays)
            : (proto.minimumIntervalDays, max(proto.minimumIntervalDays, settings.nextVisitMaxDays))
        days = span.0...max(span.0, span.1)
        from = day.adding(days: span.0)
        to = day.adding(days: span.1)
        nextNumber = series.number + 1
        self.settings = settings
    }

    /// The follow-up as a clinician writes it in a record, e.g. "Next treatment in 4–6 weeks, between
    /// 19 Dec 2026 and 2 Jan 2027 (session 2 of a course of 4–6)." (FHIR Procedure.followUp).
    public var clinicalText: String {
        let when = "in \(Self.interval(days)), between \(Self.written(from)) and \(Self.written(to))"
        if maintenance {
            return nextNumber - 1 == settings.seriesMax
                ? "Course of \(settings.seriesMax) sessions complete. Maintenance treatment \(when)."
                : "Maintenance treatment \(when)."
        }
        let course =
            settings.seriesMin == settings.seriesMax
            ? "\(settings.seriesMax)" : "\(settings.seriesMin)–\(settings.seriesMax)"
        return "Next treatment \(when) (session \(nextNumber) of a course of \(course))."
    }

    /// Whole weeks or 30-day months when the bounds fall on them, otherwise days: "4–6 weeks".
    static func interval(_ days: ClosedRange<Int>) -> String {
        let (lo, hi) = (days.lowerBound, days.upperBound)
        func span(_ a: Int, _ b: Int, _ unit: String) -> String {
            a == b ? "\(a) \(unit)\(a == 1 ? "" : "s")" : "\(a)–\(b) \(unit)s"
        }
        if lo % 30 == 0 && hi % 30 == 0 && lo >= 60 { return span(lo / 30, hi / 30, "month") }
        if lo % 7 == 0 && hi % 7 == 0 && lo > 0 { return span(lo / 7, hi / 7, "week") }
        return span(lo, hi, "day")
    }

    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// "19 Dec 2026": no reader mistakes the day for the month, whatever their country.
    static func written(_ day: ClinicDay) -> String {
        "\(day.day) \(monthNames[max(0, min(11, day.month - 1))]) \(day.year)"
    }
}
