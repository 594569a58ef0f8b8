import Foundation

/// The totals row of a day review.
public struct DayTotals: Equatable, Sendable {
    public var sessions = 0
    public var completed = 0
    public var aborted = 0
    public var open = 0
    public var chairSeconds = 0
    public var prpAppliedML = 0.0
    /// Sessions whose journal's end is unreadable (issue 14): never counted as open.
    public var endUnknown = 0
    /// Some session's chair time leaves an unreadable stretch out: the total is a lower bound.
    public var chairTimeIsLowerBound = false

    public init(_ list: [SessionSummary], now: Date) {
        for s in list {
            sessions += 1
            switch s.status {
            case .completed: completed += 1
            case .aborted: aborted += 1
            case .inProgress, .notStarted: if s.endUnreadable { endUnknown += 1 } else { open += 1 }
            }
            chairSeconds += s.durationSeconds(now: now)
            if s.chairTimeIsLowerBound { chairTimeIsLowerBound = true }
            prpAppliedML += s.prpAppliedML
        }
    }

    public var line: String {
        "\(sessions) session\(sessions == 1 ? "" : "s") · \(completed) completed · \(aborted) aborted · \(open) open"
            + (endUnknown > 0 ? " · \(endUnknown) end unreadable" : "")
            + " · chair time \(chairTimeIsLowerBound ? "≥ " : "")\(Clock.hmm(chairSeconds)) · PRP \(String(format: "%.1f", prpAppliedML)) mL"
    }
}
