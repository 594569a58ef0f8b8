import Foundation

/// A colour as a theme names it. Terminals differ in how many colours they have, so a colour
/// is resolved for the terminal at hand (`ColorDepth`) rather than stored as a number.
public enum ThemeColor: Hashable, Sendable {
    /// The terminal's own foreground or background.
    case terminalDefault
    /// One of the 16 ANSI colours (0–7 normal, 8–15 bright); the terminal's palette decides the exact shade.
    case ansi(Int)
    /// An entry 16–255 of the xterm 256-colour palette.
    case palette(Int)
    case rgb(RGB)

    public static let ansiNames = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// Reads `default`, a name (`cyan`, `bright-cyan`), a palette number 0–255 or `#rrggbb`.
    public init?(parsing text: String) {
        let t = text.lowercased()
        if t == "default" {
            self = .terminalDefault
            return
        }
        if let i = Self.ansiNames.firstIndex(of: t) {
            self = .ansi(i)
            return
        }
        if t.hasPrefix("bright-"), let i = Self.ansiNames.firstIndex(of: String(t.dropFirst(7))) {
            self = .ansi(i + 8)
            return
        }
        if let rgb = RGB(hex: t) {
            self = .rgb(rgb)
            return
        }
        return nil
    }

    public init?(index: Int) {
        switch index {
        case 0..<16: self = .ansi(index)
        case 16..<256: self = .palette(index)
        default: return nil
        }
    }

    /// The colour as the file would spell it.
    public var text: String {
        switch self {
        case .terminalDefault: "default"
        case .ansi(let i): (i >= 8 ? "bright-" : "") + Self.ansiNames[i % 8]
        case .palette(let i): "\(i)"
        case .rgb(let c): c.hex
        }
    }

    /// The shade it stands for: xterm's defaults for ANSI colours; nil for the terminal's default.
    public var rgb: RGB? {
        switch self {
        case .terminalDefault: nil
        case .ansi(let i): RGB.ansi[i]
        case .palette(let i): RGB.xterm256(i)
        case .rgb(let c): c
        }
    }
}

public struct RGB: Hashable, Sendable {
    public var r: UInt8, g: UInt8, b: UInt8

    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    public init?(hex: String) {
        guard hex.count == 7, hex.hasPrefix("#"), let v = UInt32(hex.dropFirst(), radix: 16) else { return nil }
        self.init(UInt8(v >> 16), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF))
    }

    public var hex: String {
        String(format: "#%02x%02x%02x", r, g, b)
    }

    public var packed: Int { Int(r) << 16 | Int(g) << 8 | Int(b) }

    /// xterm's default shades of the 16 ANSI colours.
    public static let ansi: [RGB] = [
        RGB(0, 0, 0), RGB(205, 0, 0), RGB(0, 205, 0), RGB(205, 205, 0),
        RGB(0, 0, 238), RGB(205, 0, 205), RGB(0, 205, 205), RGB(229, 229, 229),
        RGB(127, 127, 127), RGB(255, 0, 0), RGB(0, 255, 0), RGB(255, 255, 0),
        RGB(92, 92, 255), RGB(255, 0, 255), RGB(0, 255, 255), RGB(255, 255, 255),
    ]

    /// Entry 0–255 of the xterm palette: 16 ANSI colours, a 6×6×6 cube, then 24 greys.
    public static func xterm256(_ i: Int) -> RGB {
        switch i {
        case ..<16: return ansi[max(0, i)]
        case 16..<232:
            let steps: [UInt8] = [0, 95, 135, 175, 215, 255]
            let n = i - 16
            return RGB(steps[n / 36], steps[(n / 6) % 6], steps[n % 6])
        default:
            let v = UInt8(8 + 10 * (min(i, 255) - 232))
            return RGB(v, v, v)
        }
    }

    /// Squared distance in CIELAB (CIE76): close to what the eye sees, so a grey stays a grey
    /// instead of turning into whichever hue happens to be nearest in RGB.
    func distance(to o: RGB) -> Double {
        let (a, b) = (lab, o.lab)
        return (a.l - b.l) * (a.l - b.l) + (a.a - b.a) * (a.a - b.a) + (a.b - b.b) * (a.b - b.b)
    }

    /// sRGB to CIELAB with the D65 white point.
    var lab: (l: Double, a: Double, b: Double) {
        let (lr, lg, lb) = (Self.linear(r), Self.linear(g), Self.linear(b))
        let x = (0.4124 * lr + 0.3576 * lg + 0.1805 * lb) / 0.95047
        let y = 0.2126 * lr + 0.7152 * lg + 0.0722 * lb
        let z = (0.0193 * lr + 0.1192 * lg + 0.9505 * lb) / 1.08883
        func f(_ t: Double) -> Double { t > 216.0 / 24389 ? cbrt(t) : (24389.0 / 27 * t + 16) / 116 }
        return (116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z)))
    }

    /// WCAG 2 relative luminance.
    public var luminance: Double {
        0.2126 * Self.linear(r) + 0.7152 * Self.linear(g) + 0.0722 * Self.linear(b)
    }

    /// An sRGB channel as linear light, 0 to 1.
    static func linear(_ v: UInt8) -> Double {
        let c = Double(v) / 255
        return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
    }

    /// WCAG 2 contrast ratio, 1 to 21; AA asks 4.5 for text.
    public static func contrast(_ a: RGB, _ b: RGB) -> Double {
        let (hi, lo) = (max(a.luminance, b.luminance), min(a.luminance, b.luminance))
        return (hi + 0.05) / (lo + 0.05)
    }
}
