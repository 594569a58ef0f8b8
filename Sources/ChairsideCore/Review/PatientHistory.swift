import Foundation

/// A patient's sessions for review: each with the interval since the one before, its place in
/// the series, and the depths per zone; plus the latest dates the patient gave at screening.
public struct PatientHistory: Equatable, Sendable {
    public struct Row: Equatable, Sendable {
        public var summary: SessionSummary
        /// Days since the previous session that was not aborted; nil for the first.
        public var intervalDays: Int?
        /// Position in the series for completed sessions; nil otherwise.
        public var series: Int?
        /// The series column: "3/6", "maintenance" past the series (as the sheet says), "—" if not completed.
        public var seriesLabel = "—"
    }

    /// The screening items whose dates a technician wants before a session, with short labels.
    public static let datedItems = ["neurotoxin", "filler", "isotretinoin"]
    public static let datedLabels = [
        "neurotoxin": "Neurotoxin", "filler": "Filler", "isotretinoin": "Isotretinoin",
        "retinoids": "Retinoids", "nsaids": "NSAIDs", "sun-laser": "Sun or laser",
    ]

    /// What the patient last said of a time-bound item: a date, or yes with nobody knowing when.
    public enum LastAnswer: Equatable, Sendable {
        case dated(ClinicDay)
        /// Answered yes without a date at the screening of `screenedOn` (it counted as recent then).
        case undated(screenedOn: ClinicDay)

        /// "2026-11-16", or "yes (no date, screened 2026-11-21)".
        public var text: String {
            switch self {
            case .dated(let day): day.description
            case .undated(let day): "yes (no date, screened \(day))"
            }
        }
    }

    /// The answers to show: the three that always matter (a dash when never given), then any other
    /// item the patient gave a date for or said yes to without one.
    public var lastDateItems: [(item: String, label: String, answer: LastAnswer?)] {
        let others = lastAnswers.keys.filter { !Self.datedItems.contains($0) }.sorted()
        return (Self.datedItems + others).map { ($0, Self.datedLabels[$0] ?? $0, lastAnswer($0)) }
    }

    /// What the latest screening that answered `item` yes said of it (a later date never gives way to an
    /// earlier one given afterwards).
    public func lastAnswer(_ item: String) -> LastAnswer? { lastAnswers[item] }

    public var rows: [Row]
    /// Treated zones across all sessions, in the protocol's order.
    public var zones: [String]
    /// item -> latest date given, over all sessions, unless a later screening said yes without a date.
    public var lastDates: [String: ClinicDay]
    /// time-bound item -> what the latest screening that answered yes said: a date, or none.
    public var lastAnswers: [String: LastAnswer]

    /// time-bound item -> the day of the screening that answered yes without a date, when that is the latest news.
    public var lastUndated: [String: ClinicDay] {
        lastAnswers.compactMapValues { if case .undated(let day) = $0 { day } else { nil } }
    }

    /// Days are the clinic's calendar days in `timeZone` (a session at 23:30 and one at 00:30 are a day apart).
    public init(
        sessions: [SessionSummary], protocolSettings proto: ClinicProtocol, aftercare: AftercareSettings,
        timeZone: TimeZone
    ) {
        let sorted = sessions.sorted { ($0.startedAt, $0.id) < ($1.startedAt, $1.id) }
        let refs = sorted.map(\.ref)
        var previous: Date?
        rows = sorted.map { s in
            let interval = previous.map {
                ClinicDay(s.startedAt, timeZone: timeZone).days(since: ClinicDay($0, timeZone: timeZone))
            }
            if s.status != .aborted { previous = s.startedAt }
            let series =
                s.status == .completed
                ? SeriesPosition(sessionID: s.id, startedAt: s.startedAt, history: refs, settings: aftercare).number
                : nil
            var row = Row(summary: s, intervalDays: interval, series: series)
            if let n = series {
                row.seriesLabel = n > aftercare.seriesMax ? "maintenance" : "\(n)/\(aftercare.seriesMax)"
            }
            return row
        }
        let treated = Set(sorted.flatMap { $0.zoneDepths.map(\.zone) })
        zones = proto.zones.map(\.id).filter(treated.contains) + treated.subtracting(proto.zones.map(\.id)).sorted()
        var dates: [String: ClinicDay] = [:]
        for s in sorted {
            for (item, day) in s.screeningDates where dates[item].map({ day > $0 }) ?? true { dates[item] = day }
        }
        lastDates = dates
        let timeBound = Set(proto.contraindications.filter { $0.withinDays != nil }.map(\.id))
        var answers: [String: LastAnswer] = [:]
        for s in sorted {
            for (item, day) in s.screeningDates {
                if case .dated(let known)? = answers[item], known > day { continue }
                answers[item] = .dated(day)
            }
            for item in s.screeningUndated where timeBound.contains(item) {
                answers[item] = .undated(screenedOn: ClinicDay(s.startedAt, timeZone: timeZone))
            }
        }
        lastAnswers = answers
        // A later yes without a date is newer news than any date given before: the item is then only
        // in `lastUndated`, never shown with a stale date.
        lastDates = dates.filter { item, _ in
            if case .undated? = answers[item] { false } else { true }
        }
    }

    /// "Cheeks 1.00–1.50" for one session's zone, or nil if it was not treated.
    public func depth(_ row: Row, zone: String) -> ZoneDepths? {
        row.summary.zoneDepths.first { $0.zone == zone }
    }
}
