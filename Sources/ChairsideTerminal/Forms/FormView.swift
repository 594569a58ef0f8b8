import ChairsideCore

/// Draws a form as a box centred in the area it is given.
enum FormView {
    static func draw(_ form: OpenForm, in area: Rect, into c: inout Canvas) {
        let w = min(area.width - 4, 72)
        let inner = w - 4
        var body: [(String, StyleRole)] = []
        for (i, f) in form.fields.enumerated() {
            let focused = i == form.focus
            let mark = focused ? "▸ " : "  "
            let label = "\(mark)\(f.label)\(f.required ? " *" : ""): "
            let role: StyleRole = focused ? .selected : .normal
            switch f.value {
            case .text(let s):
                // A long entry scrolls within its field so the cursor (its end) stays in sight.
                // The marker's width is kept free, so a long prefilled entry never cuts "typing replaces".
                var cursor = focused ? (f.prefilled ? "◂ typing replaces" : "▏") : ""
                if focused && f.prefilled && inner - DisplayWidth.of(label) - DisplayWidth.of(cursor) < 12 {
                    cursor = "◂"
                }
                let room = max(4, inner - DisplayWidth.of(label) - DisplayWidth.of(cursor))
                var shown = Visible.text(s)
                if DisplayWidth.of(shown) > room { shown = "…" + DisplayWidth.tail(shown, to: room - 1) }
                body.append((label + shown + cursor, role))
                if focused && f.suggestions.count > 1 {
                    body.append(("    ← → " + f.suggestions.map(Visible.text).joined(separator: " · "), .muted))
                }
            case .choice(let options, let index):
                // A long choice (an event to undo) wraps under itself rather than being cut.
                let whole = label + "‹ \(options[index]) ›"
                if DisplayWidth.of(whole) <= inner {
                    body.append((whole, role))
                } else {
                    let pad = String(repeating: " ", count: 4)
                    let rows = DisplayWidth.wrap("‹ \(options[index]) ›", width: inner - pad.count)
                    body.append((label, role))
                    body += rows.map { (pad + $0, role) }
                }
            case .multi(let options, let set, let cursor):
                body.append((label + "(Space to mark, ← → to move, * all)", role))
                var line = "    "
                for (j, o) in options.enumerated() {
                    let item = (set.contains(j) ? "[x] " : "[ ] ") + o + (j == cursor && focused ? "◂ " : "  ")
                    if DisplayWidth.of(line + item) > inner {
                        body.append((line, .normal))
                        line = "    "
                    }
                    line += item
                }
                body.append((line, .normal))
            }
        }
        if let note = form.content.liveNote { body.append(("  " + note, .muted)) }
        if let error = form.error {
            body.append(("", .normal))
            body += DisplayWidth.wrap(error, width: inner).map { ($0, StyleRole.danger) }
        }
        body.append(("", .normal))
        if form.saving {
            body.append(("Saving…", .muted))
        } else {
            let required = form.fields.contains(where: \.required) ? " · * required" : ""
            body.append(("Enter save · Esc cancel · Tab next field" + required, .keyHint))
        }
        let h = min(area.height - 2, body.count + 2)
        let x = area.x + (area.width - w) / 2
        let y = area.y + max(1, (area.height - h) / 2)
        c.box(x: x, y: y, width: w, height: h, title: form.title)
        for (row, line) in body.prefix(h - 2).enumerated() {
            c.put(line.0, x: x + 2, y: y + 1 + row, role: line.1, maxWidth: inner)
        }
    }
}
