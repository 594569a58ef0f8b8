import ChairsideCore
import Foundation

// Forms for the procedure's checks: when a time-bound screening item happened, a depth typed
// directly, and the reasons for completing without PRP applied or post-care.

/// When a time-bound screening item (neurotoxin, isotretinoin …) last happened: a date or a time ago.
public struct ScreeningWhenForm: FormContent {
    public var item: Contraindication
    public var when: FormField
    /// The clinic's today, so a relative entry shows its date while it is typed (nil: no live date).
    public var today: ClinicDay?

    public init(item: Contraindication, current: ClinicDay? = nil, today: ClinicDay? = nil) {
        self.item = item
        self.today = today
        when = .text("When (date, or 5d, 3w, 6m ago)", current?.description ?? "")
    }

    public var title: String { item.label }
    public var fields: [WritableKeyPath<Self, FormField>] { [\.when] }

    /// "= 2026-11-16 (5 d ago)" under the entry as it is typed, so the date is seen before it is saved.
    public var liveNote: String? {
        guard let today, !when.text.isEmpty, let day = try? ScreeningWhen.parse(when.text, today: today) else {
            return nil
        }
        return "= " + ScreeningWhenForm.dayAndAge(day, today: today)
    }

    /// "2026-11-16 (5 d ago)", "2026-11-21 (today)".
    public static func dayAndAge(_ day: ClinicDay, today: ClinicDay) -> String {
        let n = today.days(since: day)
        return "\(day) (" + (n == 0 ? "today" : n > 0 ? "\(n) d ago" : "in \(-n) d") + ")"
    }

    /// An empty entry keeps the answer yes without a date: the rule then counts it, as if recent.
    public func submit(_ context: FormContext) throws(FormProblem) -> FormIntent {
        guard !when.text.isEmpty else { return .screeningDate(item: item.id, day: nil) }
        do {
            let day = try ScreeningWhen.parse(when.text, today: ClinicDay(context.now, timeZone: context.timeZone))
            return .screeningDate(item: item.id, day: day)
        } catch {
            throw FormProblem(when.label, error.description)
        }
    }
}

/// A depth typed for one zone, checked against the device's maximum and its steps before it is decided.
public struct DepthForm: FormContent {
    public var zone: ZoneSetting
    public var depth: FormField

    public init(zone: ZoneSetting, current: Double) {
        self.zone = zone
        depth = .text("Depth (mm)", String(format: "%.2f", current), required: true)
    }

    public var title: String { "Depth for \(zone.name) (protocol max \(Depth.text(zone.maxDepth)))" }
    public var fields: [WritableKeyPath<Self, FormField>] { [\.depth] }

    public func submit(_ context: FormContext) throws(FormProblem) -> FormIntent {
        let proto = context.proto
        let mm = try FieldParsing.number(depth)
        guard mm > 0 else { throw FormProblem(depth.label, "type a depth of more than 0 mm.") }
        if Depth.exceeds(mm, proto.deviceMaxDepth) {
            throw FormProblem(
                depth.label, "the device goes to \(Depth.text(proto.deviceMaxDepth)) at most; type a shallower depth.")
        }
        guard Depth.onStep(mm, step: proto.depthStep) else {
            throw FormProblem(
                depth.label,
                "the device moves in \(Depth.text(proto.depthStep)) steps; type "
                    + "\(Depth.text(Depth.snapped(mm, step: proto.depthStep, up: false))) or \(Depth.text(Depth.snapped(mm, step: proto.depthStep, up: true)))."
            )
        }
        return .changeDepth(zone: zone.id, depth: (mm * 1000).rounded() / 1000)
    }
}

/// Completing a session the protocol expects more of: a reason for each gap, recorded with the session.
public struct CompletionForm: FormContent {
    public var gaps: [CompletionGap]
    public var noPRPReason = FormField.text("Why no PRP was applied", required: true)
    public var noPostCareReason = FormField.text("Why no post-care was applied", required: true)

    public init(gaps: [CompletionGap]) { self.gaps = gaps }

    public var title: String { "Complete: " + gaps.map(\.label).joined(separator: ", ") }

    public var fields: [WritableKeyPath<Self, FormField>] {
        gaps.map { $0 == .noPRPApplied ? \.noPRPReason : \.noPostCareReason }
    }

    public func submit(_ context: FormContext) throws(FormProblem) -> FormIntent {
        var reasons: [CompletionGap: String] = [:]
        for gap in gaps {
            let field = gap == .noPRPApplied ? noPRPReason : noPostCareReason
            guard !field.text.isEmpty else {
                throw FormProblem(
                    field.label,
                    "say why (growth factors used instead, patient declined …), or press Esc and record it first.")
            }
            reasons[gap] = field.text
        }
        return .record(.completeWithReasons(reasons))
    }
}
