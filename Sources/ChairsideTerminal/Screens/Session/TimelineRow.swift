import ChairsideCore

/// One row of a session's timeline: an event, or a line of the journal that could not be read,
/// shown where it stands so the gap is never hidden; or a notice about the journal itself (a hash
/// chain break before an event, an end that cannot be read) in its place.
enum TimelineRow {
    case event(SessionEvent)
    case unreadable(UnreadableLine)
    case notice(String)

    static func rows(_ st: SessionState) -> [TimelineRow] {
        var rows: [TimelineRow] = []
        var gaps = st.unreadable.sorted { $0.firstSeq < $1.firstSeq }[...]
        let breaks = Set(st.chainBreaks)
        for e in st.eventsByRealTime {
            while let gap = gaps.first, gap.firstSeq <= e.seq {
                rows.append(.unreadable(gap))
                gaps = gaps.dropFirst()
            }
            if breaks.contains(e.seq) { rows.append(.notice(chainBreakText(e.seq))) }
            rows.append(.event(e))
        }
        rows += gaps.map(TimelineRow.unreadable)
        if let end = st.endUnreadableText { rows.append(.notice(end)) }
        return rows
    }

    /// "the hash chain breaks before event #N: a line before it was edited, deleted or reordered".
    static func chainBreakText(_ seq: Int) -> String {
        "the hash chain breaks before event #\(seq): a line before it was edited, deleted or reordered"
    }

    static func count(_ st: SessionState) -> Int {
        st.events.count + st.unreadable.count + st.chainBreaks.count + (st.endUnreadable ? 1 : 0)
    }
}
