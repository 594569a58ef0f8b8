import ChairsideCore

/// The screening checklist before it is saved: every item in full (a long label wraps under itself, so
/// nothing is cut at 80×24), scrolled to keep the cursor in sight; under it, when the selected item
/// happened (or how to give it) and the offer of the last visit's answers.
enum ScreeningChecklistView {
    /// Columns of "[x] block " before a label: where a wrapped label's next rows start.
    static let labelIndent = 10

    static func draw(
        _ s: SessionScreen, proto: ClinicProtocol, today: ClinicDay, into c: inout Canvas,
        _ p: inout SessionView.PanelWriter
    ) {
        let items = proto.contraindications
        guard !items.isEmpty else { return }
        let cursor = min(s.screeningCursor, items.count - 1)
        let rows = items.map { item in itemRows(item, s, today: today, width: p.width) }
        let notes = footer(items[cursor], s, today: today)
        let noteRows = notes.reduce(0) { $0 + SessionView.PanelWriter.rows($1.0, width: p.width).count }
        let room = max(rows[cursor].count, p.maxY - p.y + 1 - noteRows - 1)
        let shown = window(rows.map(\.count), cursor: cursor, room: room)
        for i in shown {
            let item = items[i]
            let yes = s.draftAnswers[item.id] ?? false
            let role: StyleRole =
                i == cursor ? .selected : (yes ? (item.severity == .block ? .danger : .warning) : .normal)
            for row in rows[i] {
                guard p.y <= p.maxY else { break }
                c.put(row, x: p.x, y: p.y, role: role)
                p.y += 1
            }
        }
        if p.y < p.maxY - noteRows { p.gap() }
        for (text, role) in notes { p.line(text, role, into: &c) }
    }

    /// "[x] warn  Neurotoxin in the last 2 weeks · 2026-11-16 (5 d ago)": the mark, the severity, the label,
    /// and for a dated item answered yes its date and how many days ago (or that the date is missing);
    /// a long label wraps under itself.
    static func itemRows(_ item: Contraindication, _ s: SessionScreen, today: ClinicDay, width: Int) -> [String] {
        let yes = s.draftAnswers[item.id] ?? false
        let tag = item.severity == .block ? "block" : "warn "
        let dated =
            yes && item.withinDays != nil
            ? (s.draftDates[item.id].map { " · " + ScreeningWhenForm.dayAndAge($0, today: today) } ?? " · date?") : ""
        let lines = DisplayWidth.wrap(item.label + dated, width: max(8, width - labelIndent))
        let pad = String(repeating: " ", count: labelIndent)
        return lines.enumerated().map { i, line in (i == 0 ? "\(yes ? "[x]" : "[ ]") \(tag) " : pad) + line }
    }

    /// The items to show: the cursor's, about half the room of items before it, then as many after it as fit
    /// (and more before it when the list ends first).
    static func window(_ heights: [Int], cursor: Int, room: Int) -> ClosedRange<Int> {
        var (first, last, used) = (cursor, cursor, heights[cursor])
        while first > 0, used + heights[first - 1] <= (room + heights[cursor]) / 2 {
            first -= 1
            used += heights[first]
        }
        while last + 1 < heights.count, used + heights[last + 1] <= room {
            last += 1
            used += heights[last]
        }
        while first > 0, used + heights[first - 1] <= room {
            first -= 1
            used += heights[first]
        }
        return first...last
    }

    /// What is said under the list about the selected item and the last visit's answers.
    static func footer(_ selected: Contraindication, _ s: SessionScreen, today: ClinicDay) -> [(String, StyleRole)] {
        var notes: [(String, StyleRole)] = []
        if let days = selected.withinDays {
            if s.draftAnswers[selected.id] ?? false, let day = s.draftDates[selected.id] {
                let counts = Screening.withinWindow(selected, lastDate: day, today: today)
                notes.append(
                    (
                        "When: \(ScreeningWhen.describe(day, today: today))"
                            + (counts ? "" : ", past its \(days) days: no effect"), counts ? .warning : .ok
                    ))
            } else {
                notes.append(("Counts for \(days) days · w: when (5d, 3w, 6m)", .muted))
            }
        } else {
            notes.append(("", .normal))
        }
        if let last = s.lastScreening {
            notes.append(
                (
                    s.draftFromLast
                        ? "From \(last.day): confirm each answer with the patient."
                        : "L: go through the answers of \(last.day).", .muted
                ))
        }
        return notes
    }
}
