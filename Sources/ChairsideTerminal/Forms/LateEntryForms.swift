import ChairsideCore
import Foundation

/// Charting a session after the fact: the day and time it really began. The session then runs
/// as usual, each step at its real time (`StepTimeForm`), and every line is marked a late entry.
public struct LateSessionForm: FormContent {
    public var date: FormField
    public var time: FormField

    public init(day: ClinicDay) {
        date = .text("Date (YYYY-MM-DD)", day.description, required: true)
        time = .text("Started at (HH:MM)", "", required: true)
    }

    public var title: String { "Chart a session after the fact" }
    public var fields: [WritableKeyPath<Self, FormField>] { [\.date, \.time] }

    public func submit(_ context: FormContext) throws(FormProblem) -> FormIntent {
        let at = try LateTime.parse(date: date, time: time, timeZone: context.timeZone)
        guard at <= context.now else {
            throw FormProblem(time.label, "that is still to come; a late entry is for a session that happened.")
        }
        return .lateSession(at: at)
    }
}

/// When the next step of a late entry happened; it stays the time of the steps after it until changed.
public struct StepTimeForm: FormContent {
    public var date: FormField
    public var time: FormField
    /// The session's last recorded step (its start at first): steps are charted in order.
    public var earliest: Date
    /// The time of writing: no step happened after it.
    public var latest: Date

    public init(current: Date, earliest: Date, latest: Date, timeZone: TimeZone) {
        date = .text("Date (YYYY-MM-DD)", ClinicDay(current, timeZone: timeZone).description, required: true)
        time = .text("Time (HH:MM)", Clock.hhmm(current, timeZone: timeZone), required: true)
        self.earliest = earliest
        self.latest = latest
    }

    public var title: String { "When the next step happened" }
    public var fields: [WritableKeyPath<Self, FormField>] { [\.date, \.time] }

    public func submit(_ context: FormContext) throws(FormProblem) -> FormIntent {
        let at = try LateTime.parse(date: date, time: time, timeZone: context.timeZone)
        // Minutes count: a step at the start minute is fine even if the start had seconds.
        guard at >= earliest.addingTimeInterval(-59) else {
            throw FormProblem(
                time.label,
                "that is before the last recorded step (\(Clock.hhmm(earliest, timeZone: context.timeZone))); "
                    + "give \(Clock.hhmm(earliest, timeZone: context.timeZone)) or later.")
        }
        guard at <= latest else { throw FormProblem(time.label, "that is still to come; give when it happened.") }
        return .stepTime(max(at, earliest))
    }
}

enum LateTime {
    static func parse(date: FormField, time: FormField, timeZone: TimeZone) throws(FormProblem) -> Date {
        let day = try FieldParsing.day(date, example: "2026-11-20")
        let parts = time.text.split(separator: ":")
        guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0...23).contains(h), (0...59).contains(m)
        else { throw FormProblem(time.label, "type a time like 09:30 (24-hour).") }
        return day.start(in: timeZone).addingTimeInterval(TimeInterval(h * 3600 + m * 60))
    }
}
