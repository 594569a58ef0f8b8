import Foundation

/// Where a session stands in the patient's treatment series, counted from their history:
/// completed sessions in a row, where a gap longer than `seriesGapDays` starts a new series.
public struct SeriesPosition: Equatable, Sendable {
    /// 1 for the first session of a series.
    public var number: Int
    public var settings: AftercareSettings

    public init(sessionID: String, startedAt: Date, history: [SessionRef], settings: AftercareSettings) {
        self.settings = settings
        let earlier =
            history
            .filter { $0.sessionID != sessionID && $0.status == .completed && $0.startedAt < startedAt }
            .map(\.startedAt)
            .sorted(by: >)
        let gap = TimeInterval(settings.seriesGapDays) * 86_400
        var count = 1
        var newest = startedAt
        for date in earlier {
            guard newest.timeIntervalSince(date) <= gap else { break }
            count += 1
            newest = date
        }
        number = count
    }

    /// Past the longest series, further sessions are maintenance.
    public var isMaintenance: Bool { number > settings.seriesMax }

    /// This session finishes (or is past) the longest series: the next visit is maintenance.
    public var seriesComplete: Bool { number >= settings.seriesMax }

    /// "session 2 of a 4–6 series", or "maintenance session" past the series.
    public var label: String {
        if isMaintenance { return "maintenance session (\(number) in a row)" }
        let range =
            settings.seriesMin == settings.seriesMax
            ? "\(settings.seriesMax)" : "\(settings.seriesMin)–\(settings.seriesMax)"
        return "session \(number) of a \(range) series"
    }
}
