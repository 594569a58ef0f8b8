import ChairsideCore

/// The aftercare sheet full screen, as it will print, with the choices below it.
enum SheetPreviewView {
    static func draw(_ p: SheetPreview, in area: Rect, into c: inout Canvas) {
        let (x0, y0) = (area.x, area.y)
        let height = area.height
        c.fill(x: x0, y: y0, width: area.width, height: height, role: .normal)
        let title =
            p.reprint
            ? "Aftercare sheet (already given: printing or saving records a copy)"
            : "Aftercare sheet: check it with the patient"
        c.box(x: x0, y: y0, width: area.width, height: height, title: title)
        var top = y0 + 1
        if let warning = p.warning {
            c.put(DisplayWidth.truncate(warning, to: area.width - 4), x: x0 + 2, y: top, role: .warning)
            top += 1
        }
        let rows = y0 + height - 1 - top
        let x = x0 + max(2, (area.width - AftercareLayout.columns) / 2)
        for (i, line) in p.lines.dropFirst(p.scroll).prefix(rows).enumerated() {
            c.put(line, x: x, y: top + i, maxWidth: area.width - (x - x0) - 2)
        }
        let shown = min(p.lines.count, p.scroll + rows)
        let position = "lines \(p.lines.isEmpty ? 0 : p.scroll + 1)–\(shown) of \(p.lines.count)"
        c.put(position, x: x0 + max(2, area.width - DisplayWidth.of(position) - 3), y: y0 + height - 1, role: .muted)
    }
}
