/// A UUID-shaped name derived from a kind and a key, so the same record gets the same
/// `urn:uuid:` in every export (a receiving system can match re-exports) without a clock or
/// a random source. FNV-1a over two seeds gives 128 bits; the version nibble says 8 (custom,
/// RFC 9562) and the variant bits are RFC 4122's.
public enum StableUUID {
    public static func make(_ kind: String, _ key: String) -> String {
        let bytes = Array((kind + "\u{0}" + key).utf8)
        let high = fnv1a(bytes, seed: 0xcbf2_9ce4_8422_2325)
        let low = fnv1a(bytes, seed: 0x8422_2325_cbf2_9ce4)
        var hex = hex16(high) + hex16(low)
        let chars = Array(hex)
        var out = chars
        out[12] = "8"
        let variant = (Int(String(chars[16]), radix: 16)! & 0x3) | 0x8
        out[16] = Character(String(variant, radix: 16))
        hex = String(out)
        let parts = [
            hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4),
            hex.dropFirst(16).prefix(4), hex.dropFirst(20),
        ]
        return parts.joined(separator: "-")
    }

    private static func fnv1a(_ bytes: [UInt8], seed: UInt64) -> UInt64 {
        var hash = seed
        for b in bytes {
            hash ^= UInt64(b)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }

    private static func hex16(_ v: UInt64) -> String {
        let digits = String(v, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
