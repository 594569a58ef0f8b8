import ChairsideCore

/// The aftercare sheet full screen, as it will print, with the choices below it.
enum SheetPreviewView {
    static func keys(_ p: SheetPreview) -> [KeyHelp] {
        var list = [KeyHelp("p", p.reprint ? "print a copy" : "print"), KeyHelp("s", p.reprint ? "save a copy" : "save to file")]
        if !p.reprint { list += [KeyHelp("h", "handed pre-printed"), KeyHelp("d", "declined")] }
        list += [KeyHelp("↑↓ PgUp PgDn", "scroll"), KeyHelp("Esc", "back")]
        return list
    }

    static func draw(_ p: SheetPreview, _ m: AppModel, into c: inout Canvas) {
        let height = m.height - 3
        c.fill(x: 0, y: 0, width: m.width, height: height, role: .normal)
        let title = p.reprint ? "Aftercare sheet (already given: printing or saving records a copy)" : "Aftercare sheet: check it with the patient"
        c.box(x: 0, y: 0, width: m.width, height: height, title: title)
        var top = 1
        if let warning = p.warning {
            c.put(DisplayWidth.truncate(warning, to: m.width - 4), x: 2, y: top, role: .warning)
            top += 1
        }
        let rows = height - 1 - top
        let x = max(2, (m.width - AftercareLayout.columns) / 2)
        for (i, line) in p.lines.dropFirst(p.scroll).prefix(rows).enumerated() {
            c.put(line, x: x, y: top + i, maxWidth: m.width - x - 2)
        }
        let shown = min(p.lines.count, p.scroll + rows)
        let position = "lines \(p.lines.isEmpty ? 0 : p.scroll + 1)–\(shown) of \(p.lines.count)"
        c.put(position, x: max(2, m.width - DisplayWidth.of(position) - 3), y: height - 1, role: .muted)
    }
}
