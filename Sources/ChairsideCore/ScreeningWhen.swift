import Foundation

/// When a time-bound screening item last happened, as a technician types it: a date (2026-11-16)
/// or a time ago (5d, 3w, 6m, "today"), turned into a date before anything is saved.
public enum ScreeningWhen {
    /// Why an entry is not a date, with what to type instead.
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case unreadable(String)
        case inTheFuture(ClinicDay)
        case tooLongAgo

        public var description: String {
            switch self {
            case .unreadable: "type a date like 2026-11-16, or a time ago like 5d, 3w or 6m (days, weeks, months)."
            case .inTheFuture(let day): "\(day) is after today; type when it last happened."
            case .tooLongAgo: "that is more than 20 years ago; leave the date empty if nobody knows it."
            }
        }
    }

    /// The day an entry stands for, counted back from `today` (months are calendar months).
    public static func parse(_ raw: String, today: ClinicDay) throws(Problem) -> ClinicDay {
        let text = raw.trimmingCharacters(in: .whitespaces).lowercased()
        let day: ClinicDay
        if text == "today" || text == "0" {
            day = today
        } else if text == "yesterday" {
            day = today.adding(days: -1)
        } else if let date = ClinicDay(string: text) {
            day = date
        } else if let (count, unit) = relative(text) {
            switch unit {
            case "d": day = today.adding(days: -count)
            case "w": day = today.adding(days: -7 * count)
            case "m": day = today.adding(months: -count)
            default: day = today.adding(months: -12 * count)
            }
        } else {
            throw .unreadable(raw)
        }
        if day > today { throw .inTheFuture(day) }
        if day < today.adding(months: -240) { throw .tooLongAgo }
        return day
    }

    /// "16 Nov 2026 (5 days ago)": the date the technician sees before saving.
    public static func describe(_ day: ClinicDay, today: ClinicDay) -> String {
        let ago = today.days(since: day)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let when = ago == 0 ? "today" : ago == 1 ? "yesterday" : "\(ago) days ago"
        return "\(day.day) \(months[day.month - 1]) \(day.year) (\(when))"
    }

    /// "5d", "5 days", "3w", "3 weeks", "6m", "6 months", "1y" -> (count, unit letter).
    private static func relative(_ text: String) -> (Int, Character)? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        let unitWord = text.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        guard let count = Int(digits), count <= 10_000, let unit = unitWord.first else { return nil }
        let words: [Character: Set<String>] = [
            "d": ["d", "day", "days"], "w": ["w", "wk", "wks", "week", "weeks"],
            "m": ["m", "mo", "mon", "month", "months"], "y": ["y", "yr", "yrs", "year", "years"],
        ]
        guard words[unit]?.contains(unitWord) == true else { return nil }
        return (count, unit)
    }
}

extension ClinicDay {
    /// Whole days from `earlier` to this day (negative if `earlier` is later).
    public func days(since earlier: ClinicDay) -> Int {
        let utc = TimeZone(identifier: "UTC")!
        return Int((start(in: utc).timeIntervalSince(earlier.start(in: utc)) / 86_400).rounded())
    }

    /// The same day of the month `months` later (earlier if negative), the month's last day if it is shorter.
    public func adding(months: Int) -> ClinicDay {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let d = cal.date(byAdding: .month, value: months, to: start(in: cal.timeZone))!
        return ClinicDay(d, timeZone: cal.timeZone)
    }
}

extension Screening {
    /// A dated answer counts while fewer than `withinDays` whole days have passed: with a 14-day
    /// window, 13 days ago counts and 14 days ago ("at least 2 weeks after") no longer does.
    public static func withinWindow(_ item: Contraindication, lastDate: ClinicDay, today: ClinicDay) -> Bool {
        guard let days = item.withinDays else { return true }
        return today.days(since: lastDate) < days
    }

    /// The checklist items that take a date.
    public static func timeBound(in proto: ClinicProtocol) -> [Contraindication] {
        proto.contraindications.filter { $0.withinDays != nil }
    }
}
