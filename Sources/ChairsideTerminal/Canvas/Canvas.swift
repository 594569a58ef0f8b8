import ChairsideCore

/// What a cell means, not what it looks like; a theme maps roles to colours and attributes.
public enum StyleRole: String, CaseIterable, Sendable {
    case normal, muted, title, header, selected, ok, warning, danger, timer
    case timerDone = "timer-done"
    case keyHint = "key-hint"
    case border
}

public struct Cell: Equatable, Sendable {
    /// The grapheme drawn here; empty for the right half of a wide character.
    public var text: String
    public var role: StyleRole

    public static let blank = Cell(text: " ", role: .normal)
}

/// A part of the screen a view draws into.
public struct Rect: Equatable, Sendable {
    public var x: Int, y: Int, width: Int, height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public var maxY: Int { y + height - 1 }
}

/// An in-memory grid the views draw into; backends present it, tests read it as text.
public struct Canvas: Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell { cells[y * width + x] }

    /// Draws text from (x, y), clipped to `maxWidth` columns and the canvas edge.
    /// Stored text must come through `Visible.text` first; this only lays it out.
    /// Returns the number of columns used.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, role: StyleRole = .normal, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(width, x + (maxWidth ?? width))
        var col = x
        for c in text {
            let w = DisplayWidth.of(c)
            if w == 0 { continue }
            if col + w > limit { break }
            if col >= 0 {
                // Overwriting half of a wide character leaves a blank, never half a glyph.
                if col > 0, cells[y * width + col].text.isEmpty {
                    cells[y * width + col - 1] = Cell(text: " ", role: cells[y * width + col - 1].role)
                }
                cells[y * width + col] = Cell(text: String(c), role: role)
                if w == 2 { cells[y * width + col + 1] = Cell(text: "", role: role) }
                if col + w < width, cells[y * width + col + w].text.isEmpty {
                    cells[y * width + col + w] = Cell(text: " ", role: cells[y * width + col + w].role)
                }
            }
            col += w
        }
        return col - x
    }

    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, role: StyleRole) {
        for yy in max(0, y)..<min(height, y + h) {
            for xx in max(0, x)..<min(width, x + w) { cells[yy * width + xx] = Cell(text: " ", role: role) }
        }
    }

    public mutating func hline(y: Int, x: Int = 0, width w: Int? = nil, role: StyleRole = .border) {
        put(String(repeating: "─", count: max(0, w ?? width)), x: x, y: y, role: role)
    }

    public mutating func box(
        x: Int, y: Int, width w: Int, height h: Int, title: String? = nil, role: StyleRole = .border
    ) {
        guard w >= 2, h >= 2 else { return }
        fill(x: x, y: y, width: w, height: h, role: .normal)
        put("┌" + String(repeating: "─", count: w - 2) + "┐", x: x, y: y, role: role)
        for yy in (y + 1)..<(y + h - 1) {
            put("│", x: x, y: yy, role: role)
            put("│", x: x + w - 1, y: yy, role: role)
        }
        put("└" + String(repeating: "─", count: w - 2) + "┘", x: x, y: y + h - 1, role: role)
        if let title { put(" \(title) ", x: x + 2, y: y, role: .title, maxWidth: w - 4) }
    }

    /// The screen as plain text lines, trailing spaces kept so the size is visible.
    public func lines() -> [String] {
        (0..<height).map { y in (0..<width).map { cells[y * width + $0].text }.joined() }
    }

    public var text: String { lines().joined(separator: "\n") }

    /// The role of the cell where `text` first appears on row `y`, for tests that check styling.
    public func role(of text: String, onRow y: Int) -> StyleRole? {
        let line = lines()[y]
        guard let range = line.range(of: text) else { return nil }
        // Wide characters own two cells but one character of the line; count characters, not columns.
        let before = line[..<range.lowerBound].count
        var seen = 0
        for x in 0..<width where !self[x, y].text.isEmpty {
            if seen == before { return self[x, y].role }
            seen += 1
        }
        return nil
    }
}
