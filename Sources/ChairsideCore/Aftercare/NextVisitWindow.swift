/// When the patient should come back: between the protocol's minimum interval and
/// `next_visit_max_days` during a series, the maintenance window once the series is complete.
/// The aftercare sheet prints it; the FHIR export puts it in Procedure.followUp.
public struct NextVisitWindow: Equatable, Sendable {
    public var from: ClinicDay
    public var to: ClinicDay
    public var maintenance: Bool

    public init(sessionDay day: ClinicDay, series: SeriesPosition, proto: ClinicProtocol, settings: AftercareSettings) {
        maintenance = series.seriesComplete
        let days =
            maintenance
            ? (settings.maintenanceMinDays, settings.maintenanceMaxDays)
            : (proto.minimumIntervalDays, max(proto.minimumIntervalDays, settings.nextVisitMaxDays))
        from = day.adding(days: days.0)
        to = day.adding(days: days.1)
    }
}
