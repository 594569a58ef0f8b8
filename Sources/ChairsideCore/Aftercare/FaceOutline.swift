import Foundation

/// A simple line drawing of a face, neck and upper chest (inline SVG) with a numbered marker
/// and the depth on each treated zone, for the typeset aftercare sheet. Zones without a place
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

    /// The drawing with a marker per placed zone. `zones` are (zone id, marker number, depth text).
    public static func svg(_ zones: [(id: String, number: Int, depth: String)]) -> String {
        var marks = ""
        for zone in zones {
            for place in places[zone.id] ?? [] {
                marks +=
                    "<circle cx=\"\(place.x)\" cy=\"\(place.y)\" r=\"10\" fill=\"#f2b8a0\" fill-opacity=\"0.85\""
                    + " stroke=\"#b0553a\" stroke-width=\"1\"/>"
                marks +=
                    "<text x=\"\(place.x)\" y=\"\(place.y + 4)\" font-size=\"12\" font-weight=\"bold\""
                    + " text-anchor=\"middle\" fill=\"#222\">\(zone.number)</text>"
                // A pale box under the depth keeps it readable where it crosses a line of the face.
                let width = zone.depth.count * 6 + 4
                marks +=
                    "<rect x=\"\(place.x - width / 2)\" y=\"\(place.y + 12)\" width=\"\(width)\" height=\"12\""
                    + " rx=\"2\" fill=\"#fff\" fill-opacity=\"0.9\"/>"
                marks +=
                    "<text x=\"\(place.x)\" y=\"\(place.y + 21)\" font-size=\"10\" font-weight=\"bold\""
                    + " text-anchor=\"middle\" fill=\"#222\">\(escape(zone.depth))</text>"
            }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 200 260\" width=\"200\" height=\"260\""
            + " role=\"img\" aria-label=\"Treated areas\">" + drawing + marks + "</svg>"
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
