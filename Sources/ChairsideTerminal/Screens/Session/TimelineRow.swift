import ChairsideCore

/// One row of a session's timeline: an event, or a line of the journal that could not be read,
/// shown where it stands so the gap is never hidden.
enum TimelineRow {
    case event(SessionEvent)
    case unreadable(UnreadableLine)

    static func rows(_ st: SessionState) -> [TimelineRow] {
        guard !st.unreadable.isEmpty else { return st.eventsByRealTime.map(TimelineRow.event) }
        var rows: [TimelineRow] = []
        var gaps = st.unreadable.sorted { $0.firstSeq < $1.firstSeq }[...]
        for e in st.eventsByRealTime {
            while let gap = gaps.first, gap.firstSeq <= e.seq {
                rows.append(.unreadable(gap))
                gaps = gaps.dropFirst()
            }
            rows.append(.event(e))
        }
        rows += gaps.map(TimelineRow.unreadable)
        return rows
    }

    static func count(_ st: SessionState) -> Int { st.events.count + st.unreadable.count }
}
