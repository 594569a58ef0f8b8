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

    /// The dates to show: the three that always matter (a dash when never given), then any other
    /// item the patient gave a date for.
    public var lastDateItems: [(item: String, label: String, day: ClinicDay?)] {
        let others = lastDates.keys.filter { !Self.datedItems.contains($0) }.sorted()
        return (Self.datedItems + others).map { ($0, Self.datedLabels[$0] ?? $0, lastDates[$0]) }
    }

    public var rows: [Row]
    /// Treated zones across all sessions, in the protocol's order.
    public var zones: [String]
    /// item -> latest date given, over all sessions.
    public var lastDates: [String: ClinicDay]

    public init(sessions: [SessionSummary], protocolSettings proto: ClinicProtocol, aftercare: AftercareSettings) {
        let sorted = sessions.sorted { ($0.startedAt, $0.id) < ($1.startedAt, $1.id) }
        let refs = sorted.map(\.ref)
        var previous: Date?
        rows = sorted.map { s in
            let interval = previous.map { Int(s.startedAt.timeIntervalSince($0) / 86_400) }
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
    }

    /// "Cheeks 1.00–1.50" for one session's zone, or nil if it was not treated.
    public func depth(_ row: Row, zone: String) -> ZoneDepths? {
        row.summary.zoneDepths.first { $0.zone == zone }
    }
}
