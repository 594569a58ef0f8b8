/// `?`: every key of what is on screen, from the same table that dispatches them.
enum HelpOverlay {
    static func draw(_ list: [KeyHelp], in area: Rect, into c: inout Canvas) {
        let w = min(area.width - 4, 76)
        let fit = area.height - 6
        // A long table goes into two columns rather than leaving keys out at 80×24.
        let columns = list.count > fit ? 2 : 1
        let rows = (list.count + columns - 1) / columns
        let h = min(area.height - 2, rows + 4)
        let x = area.x + (area.width - w) / 2, y = area.y + (area.height - h) / 2
        let columnWidth = (w - 4) / columns
        let keyWidth = columns == 1 ? 14 : 12
        c.box(x: x, y: y, width: w, height: h, title: "Keys")
        let shownRows = h - 4
        for (i, k) in list.enumerated() where i % rows < shownRows && i / rows < columns {
            let cx = x + 2 + (i / rows) * columnWidth, cy = y + 1 + i % rows
            c.put(DisplayWidth.pad(k.keys, to: keyWidth), x: cx, y: cy, role: .keyHint, maxWidth: keyWidth)
            c.put(k.action, x: cx + keyWidth + 1, y: cy, maxWidth: columnWidth - keyWidth - 2)
        }
        let more = list.count - min(list.count, shownRows * columns)
        c.put(more > 0 ? "\(more) more: enlarge the window · any key closes this help" : "any key closes this help",
              x: x + 2, y: y + h - 2, role: .muted, maxWidth: w - 4)
    }
}
