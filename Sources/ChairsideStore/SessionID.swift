import ChairsideCore
import Foundation

/// Session IDs carry their day, so a session is found without a scan: 20261121-093000-ab12.
public enum SessionID {
    public static func make(startedAt: Date, timeZone: TimeZone, suffix: UInt16) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute, .second], from: startedAt)
        let hex = String(suffix, radix: 16)
        return String(format: "%04d%02d%02d-%02d%02d%02d-", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
            + String(repeating: "0", count: 4 - hex.count) + hex
    }

    /// The day folder of a well-formed ID; nil for anything else (including `../` tricks).
    public static func day(of id: String) -> ClinicDay? {
        let b = Array(id.utf8)
        guard b.count == 20, b[8] == UInt8(ascii: "-"), b[15] == UInt8(ascii: "-") else { return nil }
        for (i, c) in b.enumerated() where i != 8 && i != 15 {
            let digit = (48...57).contains(c)
            let hex = digit || (97...102).contains(c)
            if i < 15 ? !digit : !hex { return nil }
        }
        let s = String(id.prefix(8))
        return ClinicDay(string: "\(s.prefix(4))-\(s.dropFirst(4).prefix(2))-\(s.suffix(2))")
    }
}
