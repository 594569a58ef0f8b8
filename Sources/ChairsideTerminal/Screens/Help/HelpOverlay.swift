/// `?`: every key of what is on screen, from the same table that dispatches them.
enum HelpOverlay {
    static func draw(_ list: [KeyHelp], in area: Rect, into c: inout Canvas) {
        let w = min(area.width - 4, 70)
        let h = min(area.height - 2, list.count + 4)
        let x = area.x + (area.width - w) / 2, y = area.y + (area.height - h) / 2
        c.box(x: x, y: y, width: w, height: h, title: "Keys")
        for (i, k) in list.prefix(h - 4).enumerated() {
            c.put(DisplayWidth.pad(k.keys, to: 14), x: x + 2, y: y + 1 + i, role: .keyHint)
            c.put(k.action, x: x + 17, y: y + 1 + i, maxWidth: w - 19)
        }
        let more = list.count - (h - 4)
        c.put(more > 0 ? "\(more) more: enlarge the window · any key closes this help" : "any key closes this help",
              x: x + 2, y: y + h - 2, role: .muted, maxWidth: w - 4)
    }
}
