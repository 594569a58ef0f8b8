/// `?`: every key of what is on screen, from the same table that dispatches them. When one column
/// does not fit the screen the list goes into two, so nothing is left out at 80×24.
enum HelpOverlay {
    static let keyWidth = 14

    static func draw(_ list: [KeyHelp], in area: Rect, into c: inout Canvas) {
        let w = min(area.width - 4, 76)
        let room = max(1, area.height - 6)
        let columns = list.count > room ? 2 : 1
        let rows = (list.count + columns - 1) / columns
        let h = min(area.height - 2, rows + 4)
        let x = area.x + (area.width - w) / 2
        let y = area.y + (area.height - h) / 2
        c.box(x: x, y: y, width: w, height: h, title: "Keys")
        let columnWidth = (w - 4) / columns
        for (i, k) in list.enumerated() {
            let (column, row) = (i / rows, i % rows)
            guard row < h - 4 else { continue }
            let cx = x + 2 + column * columnWidth
            let keys = columns == 1 ? keyWidth : min(keyWidth, 10)
            c.put(DisplayWidth.pad(k.keys, to: keys), x: cx, y: y + 1 + row, role: .keyHint)
            c.put(k.action, x: cx + keys + 1, y: y + 1 + row, maxWidth: columnWidth - keys - 2)
        }
        let shown = min(list.count, columns * (h - 4))
        let more = list.count - shown
        c.put(
            more > 0 ? "\(more) more: enlarge the window · any key closes this help" : "any key closes this help",
            x: x + 2, y: y + h - 2, role: .muted, maxWidth: w - 4)
    }
}
