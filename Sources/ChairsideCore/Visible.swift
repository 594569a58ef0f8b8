/// Makes stored text safe to draw, print or export: control characters, C1 codes
/// and bidirectional overrides become visible markers instead of acting on the
/// terminal or the page. The stored value itself is never changed.
public enum Visible {
    public static func text(_ raw: String) -> String {
        var out = ""
        out.reserveCapacity(raw.utf8.count)
        for scalar in raw.unicodeScalars {
            let v = scalar.value
            switch v {
            case 0x00...0x1F:
                out += "^" + String(UnicodeScalar(UInt8(v + 0x40)))
            case 0x7F:
                out += "^?"
            case 0x80...0x9F, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x061C, 0xFEFF:
                out += "<U+" + hex4(v) + ">"
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func hex4(_ v: UInt32) -> String {
        let digits = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
