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
            if let lost = lostBefore(e, st) { rows.append(.notice(lost)) }
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

    /// Before a continuation past an unreadable end: the numbers between the last event read and the
    /// continuation that no line in the journal stands for (lost from its end; never reused).
    static func lostBefore(_ e: SessionEvent, _ st: SessionState) -> String? {
        guard case .continuedAfterUnreadableEnd(let after) = e.kind, e.seq > after + 1 else { return nil }
        let numbers = (after + 1)..<e.seq
        let named = st.unreadable.contains { $0.firstSeq <= numbers.upperBound - 1 && $0.lastSeq >= after + 1 }
        guard !named, !st.events.contains(where: { numbers.contains($0.seq) }) else { return nil }
        let which = numbers.count == 1 ? "event #\(after + 1) is" : "events #\(after + 1)–#\(e.seq - 1) are"
        return "\(which) not in the journal: lost from its end before it was continued (never reused; "
            + "`chairside check` says where any copy is kept)"
    }

    static func count(_ st: SessionState) -> Int {
        st.events.count + st.unreadable.count + st.chainBreaks.count + (st.endUnreadable ? 1 : 0)
            + st.events.filter { lostBefore($0, st) != nil }.count
    }
}
