/// `?`: every key of what is on screen, from the same table that dispatches them. When one column
/// does not fit the screen the list goes into two, so nothing is left out at 80×24; an action longer
/// than its column wraps under itself instead of being cut.
enum HelpOverlay {
    static let keyWidth = 14

    static func draw(_ list: [KeyHelp], in area: Rect, into c: inout Canvas) {
        let w = min(area.width - 4, 76)
        let room = max(1, area.height - 6)
        // The key column is as wide as the longest key (up to keyWidth), so no key is cut either.
        let keys = min(keyWidth, list.map { DisplayWidth.of($0.keys) }.max() ?? 1)
        let entries = { (columns: Int) -> [(keys: String, rows: [String])] in
            let columnWidth = (w - 4) / columns
            return list.map { ($0.keys, DisplayWidth.wrap($0.action, width: max(8, columnWidth - keys - 2))) }
        }
        var columns = 1
        var laid = entries(1)
        if laid.reduce(0, { $0 + $1.rows.count }) > room {
            columns = 2
            laid = entries(2)
        }
        // Fill the first column, then the second; an entry never splits across columns.
        var placed: [(column: Int, row: Int)] = []
        var (column, row) = (0, 0)
        let total = laid.reduce(0) { $0 + $1.rows.count }
        let perColumn = columns == 1 ? total : min(room, (total + 1) / 2)
        for e in laid {
            if row > 0, row + e.rows.count > perColumn, column + 1 < columns {
                (column, row) = (column + 1, 0)
            }
            placed.append((column, row))
            row += e.rows.count
        }
        let used = zip(laid, placed).map { $1.row + $0.rows.count }.max() ?? 0
        let h = min(area.height - 2, used + 4)
        let x = area.x + (area.width - w) / 2
        let y = area.y + (area.height - h) / 2
        c.box(x: x, y: y, width: w, height: h, title: "Keys")
        let columnWidth = (w - 4) / columns
        var hidden = 0
        for (e, at) in zip(laid, placed) {
            guard at.row + e.rows.count <= h - 4 else {
                hidden += 1
                continue
            }
            let cx = x + 2 + at.column * columnWidth
            c.put(DisplayWidth.pad(e.keys, to: keys), x: cx, y: y + 1 + at.row, role: .keyHint)
            for (i, text) in e.rows.enumerated() { c.put(text, x: cx + keys + 1, y: y + 1 + at.row + i) }
        }
        c.put(
            hidden > 0 ? "\(hidden) more: enlarge the window · any key closes this help" : "any key closes this help",
            x: x + 2, y: y + h - 2, role: .muted, maxWidth: w - 4)
    }
}
