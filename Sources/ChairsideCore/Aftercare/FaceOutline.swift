import Foundation

/// A simple line drawing of a face, neck and upper chest (inline SVG) with a numbered marker
/// on each treated zone and its depth in the margin, for the typeset aftercare sheet. Zones without a place
/// on the drawing (acne scars, stretch marks, a clinic's own zones) appear in the list beside it.
public enum FaceOutline {
    /// Where each built-in zone sits on the 200 × 260 drawing; paired zones have two markers.
    public static let places: [String: [(x: Int, y: Int)]] = [
        "forehead": [(100, 40)],
        "glabella": [(100, 70)],
        "periorbital": [(70, 86), (130, 86)],
        "nose": [(100, 106)],
        "cheeks": [(68, 116), (132, 116)],
        "perioral": [(100, 130)],
        "chin": [(100, 158)],
        "jawline": [(52, 146), (148, 146)],
        "neck": [(100, 192)],
        "decollete": [(100, 236)],
    ]

    /// The outline without markers: head, ears, eyes, brows, nose, mouth, neck, shoulders.
    static let drawing = """
        <g fill="none" stroke="#555" stroke-width="1.6" stroke-linecap="round">\
        <ellipse cx="100" cy="96" rx="58" ry="78"/>\
        <path d="M42 86 q-10 4 -6 18 q3 10 8 10"/><path d="M158 86 q10 4 6 18 q-3 10 -8 10"/>\
        <path d="M60 76 q12 -8 26 -2"/><path d="M114 74 q14 -6 26 2"/>\
        <ellipse cx="73" cy="88" rx="10" ry="4"/><ellipse cx="127" cy="88" rx="10" ry="4"/>\
        <path d="M100 88 l-6 24 q6 4 12 0"/>\
        <path d="M84 136 q16 8 32 0"/>\
        <path d="M74 164 l-4 40 M126 164 l4 40"/>\
        <path d="M70 204 q-30 8 -58 26 M130 204 q30 8 58 26"/>\
        </g>
        """

    /// The drawing (200 × 260) sits between two margins for the depth labels.
    static let margin = 72
    static let width = 200 + 2 * margin
    /// Labels on one side are at least this far apart (font size 11 plus a little air).
    public static let labelSpacing = 14

    /// The drawing with a numbered marker per placed zone and its depth in the margin beside the face,
    /// joined to the marker by a thin line, so twelve zones stay readable: markers never carry text
    /// that could overlap a neighbour's. `zones` are (zone id, marker number, depth text).
    public static func svg(_ zones: [(id: String, number: Int, depth: String)]) -> String {
        var markers = ""
        var left: [(x: Int, y: Int, depth: String)] = []
        var right: [(x: Int, y: Int, depth: String)] = []
        var centre = 0
        for zone in zones {
            for place in places[zone.id] ?? [] {
                let x = place.x + margin
                markers +=
                    "<circle cx=\"\(x)\" cy=\"\(place.y)\" r=\"8\" fill=\"#f2b8a0\" stroke=\"#b0553a\" stroke-width=\"1\"/>"
                    + "<text x=\"\(x)\" y=\"\(place.y + 4)\" font-size=\"10\" font-weight=\"bold\""
                    + " text-anchor=\"middle\" fill=\"#222\">\(zone.number)</text>"
                // Zones on the middle line take turns, so neither margin gets crowded.
                let goesLeft = place.x < 100 || (place.x == 100 && centre % 2 == 0)
                if place.x == 100 { centre += 1 }
                if goesLeft { left.append((x, place.y, zone.depth)) } else { right.append((x, place.y, zone.depth)) }
            }
        }
        let labels =
            callouts(left, labelX: margin - 5, anchor: "end")
            + callouts(right, labelX: width - margin + 5, anchor: "start")
        return
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) 260\" width=\"\(width)\" height=\"260\""
            + " role=\"img\" aria-label=\"Treated areas\"><g transform=\"translate(\(margin) 0)\">" + drawing + "</g>"
            + labels + markers + "</svg>"
    }

    /// Depth labels down one margin, in the order of their markers, pushed apart where they would touch.
    static func callouts(_ marks: [(x: Int, y: Int, depth: String)], labelX: Int, anchor: String) -> String {
        var out = ""
        var lastY = Int.min / 2
        for mark in marks.sorted(by: { ($0.y, $0.x) < ($1.y, $1.x) }) {
            let y = max(mark.y, lastY + labelSpacing)
            lastY = y
            let lineEnd = anchor == "end" ? labelX + 2 : labelX - 2
            out +=
                "<line x1=\"\(mark.x)\" y1=\"\(mark.y)\" x2=\"\(lineEnd)\" y2=\"\(y)\" stroke=\"#b0553a\""
                + " stroke-width=\"0.7\"/>"
                + "<text x=\"\(labelX)\" y=\"\(y + 4)\" font-size=\"11\" font-weight=\"bold\" text-anchor=\"\(anchor)\""
                + " fill=\"#222\">\(escape(mark.depth))</text>"
        }
        return out
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
