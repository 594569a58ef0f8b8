import Foundation

/// A calendar day in the clinic's time zone, written YYYY-MM-DD; day folders and the Today list use it.
public struct ClinicDay: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let year: Int, month: Int, day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    public init(_ date: Date, timeZone: TimeZone) {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        let c = cal.dateComponents([.year, .month, .day], from: date)
        self.init(year: c.year!, month: c.month!, day: c.day!)
    }

    /// Parses YYYY-MM-DD; nil for anything else, including impossible dates.
    public init?(string: String) {
        let parts = string.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
            (1...12).contains(m), (1...31).contains(d)
        else { return nil }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        guard let date = cal.date(from: DateComponents(year: y, month: m, day: d)),
            cal.component(.day, from: date) == d
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public var description: String {
        Clock.padded(year, 4) + "-" + Clock.padded(month, 2) + "-" + Clock.padded(day, 2)
    }

    public static func < (a: ClinicDay, b: ClinicDay) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public func start(in timeZone: TimeZone) -> Date {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        return cal.date(from: DateComponents(year: year, month: month, day: day))!
    }

    public func adding(days: Int) -> ClinicDay {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let d = cal.date(byAdding: .day, value: days, to: start(in: cal.timeZone))!
        return ClinicDay(d, timeZone: cal.timeZone)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let day = ClinicDay(string: s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a YYYY-MM-DD day: \(s)")
        }
        self = day
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// Short human durations for timers and tables.
public enum Clock {
    /// 75 -> "01:15", 3725 -> "1:02:05"; negative values are shown as their magnitude.
    public static func mmss(_ seconds: Int) -> String {
        let s = abs(seconds)
        if s >= 3600 {
            return "\(s / 3600):" + padded((s % 3600) / 60, 2) + ":" + padded(s % 60, 2)
        }
        return padded(s / 60, 2) + ":" + padded(s % 60, 2)
    }

    /// Chair time in hours and minutes: 3000 -> "0:50", 27730 -> "7:42".
    public static func hmm(_ seconds: Int) -> String {
        let m = abs(seconds) / 60
        return "\(m / 60):" + padded(m % 60, 2)
    }

    public static func hhmm(_ date: Date, timeZone: TimeZone) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        let c = cal.dateComponents([.hour, .minute], from: date)
        return padded(c.hour!, 2) + ":" + padded(c.minute!, 2)
    }

    /// `v` in decimal with leading zeros to `width` digits ("%02d" for a non-negative `v`), without
    /// `String(format:)`: that goes through CoreFoundation's formatter, whose first use costs a
    /// console's start, and these run for every line of every frame and every path of the store.
    public static func padded(_ v: Int, _ width: Int) -> String {
        let digits = String(v)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
