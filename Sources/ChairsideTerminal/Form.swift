import ChairsideCore

/// A small modal form: text fields, single choices (← →) and multi-choices (Space).
/// Tab or ↓ moves on, Shift-Tab or ↑ back, Enter submits, Esc cancels.
public struct Form: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case text(String)
        case choice([String], Int)
        case multi([String], Set<Int>, cursor: Int)
    }

    public struct Field: Equatable, Sendable {
        public var label: String
        public var kind: Kind

        public static func text(_ label: String, _ value: String = "") -> Field { Field(label: label, kind: .text(value)) }
        public static func choice(_ label: String, _ options: [String], _ index: Int = 0) -> Field { Field(label: label, kind: .choice(options, index)) }
        public static func multi(_ label: String, _ options: [String], _ selected: Set<Int> = []) -> Field { Field(label: label, kind: .multi(options, selected, cursor: 0)) }
    }

    public enum Outcome: Equatable { case editing, submitted, cancelled }

    public var title: String
    public var fields: [Field]
    public var focus = 0
    public var error: String?

    public init(title: String, fields: [Field]) { self.title = title; self.fields = fields }

    public func text(_ i: Int) -> String {
        if case .text(let s) = fields[i].kind { return s.trimmingCharacters(in: .whitespaces) }
        return ""
    }

    public func choice(_ i: Int) -> Int {
        if case .choice(_, let idx) = fields[i].kind { return idx }
        return 0
    }

    public func selected(_ i: Int) -> [Int] {
        if case .multi(_, let set, _) = fields[i].kind { return set.sorted() }
        return []
    }

    public mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .escape: return .cancelled
        case .enter: return .submitted
        case .tab: focus = (focus + 1) % fields.count; return .editing
        case .backTab: focus = (focus + fields.count - 1) % fields.count; return .editing
        default: break
        }
        switch fields[focus].kind {
        case .text(var s):
            switch key {
            case .down: focus = min(fields.count - 1, focus + 1)
            case .up: focus = max(0, focus - 1)
            case .backspace, .delete: if !s.isEmpty { s.removeLast() }
            case .ctrl("u"): s = ""
            case .char(let c) where s.count < 200: s.append(c)
            default: break
            }
            fields[focus].kind = .text(s)
        case .choice(let options, var idx):
            switch key {
            case .left: idx = (idx + options.count - 1) % options.count
            case .right, .char(" "): idx = (idx + 1) % options.count
            case .down: focus = min(fields.count - 1, focus + 1)
            case .up: focus = max(0, focus - 1)
            default: break
            }
            fields[focus].kind = .choice(options, idx)
        case .multi(let options, var set, var cursor):
            switch key {
            case .left: cursor = max(0, cursor - 1)
            case .right: cursor = min(options.count - 1, cursor + 1)
            case .char(" "): if set.contains(cursor) { set.remove(cursor) } else { set.insert(cursor) }
            case .char("*"): set = set.count == options.count ? [] : Set(options.indices)
            case .down: focus = min(fields.count - 1, focus + 1)
            case .up: focus = max(0, focus - 1)
            default: break
            }
            fields[focus].kind = .multi(options, set, cursor: cursor)
        }
        return .editing
    }

    /// Draws the form as a centred box over the screen.
    func render(into canvas: inout Canvas, screenWidth: Int, screenHeight: Int) {
        let w = min(screenWidth - 4, 72)
        var body: [(String, StyleRole, Int?)] = [] // text, role, field index for focus marking
        for (i, f) in fields.enumerated() {
            let mark = i == focus ? "▸ " : "  "
            switch f.kind {
            case .text(let s):
                let shown = Visible.text(s) + (i == focus ? "▏" : "")
                body.append(("\(mark)\(f.label): \(shown)", i == focus ? .selected : .normal, i))
            case .choice(let options, let idx):
                body.append(("\(mark)\(f.label): ‹ \(options[idx]) ›", i == focus ? .selected : .normal, i))
            case .multi(let options, let set, let cursor):
                body.append(("\(mark)\(f.label): (Space to mark, ← → to move, * all)", i == focus ? .selected : .normal, i))
                var line = "    "
                for (j, o) in options.enumerated() {
                    let item = (set.contains(j) ? "[x] " : "[ ] ") + o + (j == cursor && i == focus ? "◂ " : "  ")
                    if DisplayWidth.of(line + item) > w - 4 {
                        body.append((line, .normal, nil))
                        line = "    "
                    }
                    line += item
                }
                body.append((line, .normal, nil))
            }
        }
        if let error { body.append(("", .normal, nil)); body.append((error, .danger, nil)) }
        body.append(("", .normal, nil))
        body.append(("Enter save · Esc cancel · Tab next field", .keyHint, nil))
        let h = min(screenHeight - 2, body.count + 2)
        let x = (screenWidth - w) / 2
        let y = max(1, (screenHeight - h) / 2)
        canvas.box(x: x, y: y, width: w, height: h, title: title)
        for (row, line) in body.prefix(h - 2).enumerated() {
            canvas.put(line.0, x: x + 2, y: y + 1 + row, role: line.1, maxWidth: w - 4)
        }
    }
}
