import ChairsideCore
import Foundation

/// What the register needs for a lot a session form names: add it (a new lot typed), open it (it
/// was in stock), and for a lot it refuses, the override and its reason, recorded in the session.
public struct LotUse: Equatable, Sendable {
    public var register: [LotCommand] = []
    public var override: (lot: String, problem: String, reason: String)?

    public static func == (a: LotUse, b: LotUse) -> Bool {
        a.register == b.register && a.override?.lot == b.override?.lot && a.override?.problem == b.override?.problem
            && a.override?.reason == b.override?.reason
    }
}

/// The lot fields of a session form: the lot (← → through the open lots of its kind), the expiry
/// of a lot typed that the register does not know yet, and a reason to use a refused one.
public struct LotPick: Equatable, Sendable {
    /// The kinds this form takes; a new lot is registered as the first.
    public var kinds: [LotKind]

    public static func lotField(_ label: String, offered: [Lot]) -> FormField {
        var field = FormField.text(label, offered.first?.number ?? "", required: true)
        field.suggestions = offered.map(\.number)
        return field
    }

    public static let expiryLabel = "Expiry, if a new lot"
    public static let reasonLabel = "Reason to use a refused lot"
    public static var expiryField: FormField { .text(expiryLabel) }
    public static var reasonField: FormField { .text(reasonLabel) }

    /// The lots a form offers: those of its kinds, open first, never expired or withdrawn.
    public static func offered(_ kinds: [LotKind], register: LotRegister, on day: ClinicDay) -> [Lot] {
        register.offered(kinds: kinds, on: day)
    }

    /// Checks the lot typed against the register on the session's day.
    public func check(
        lot typed: String, product: String, newKind: LotKind? = nil, expiry: FormField, reason: FormField,
        label: String, _ context: FormContext
    ) throws(FormProblem) -> LotUse {
        let register = context.lots
        let day = ClinicDay(context.now, timeZone: context.timeZone)
        var use = LotUse()
        var problems: [LotProblem] = []
        if let known = register.lot(typed) {
            // Judged as the kind it is registered as, so only its real problems are said; a kind
            // this field does not take is one more problem (a needle cartridge lot in post-care).
            switch register.usability(of: typed, kind: known.kind, on: day) {
            case .usable(_, let opens): if opens { use.register.append(.open(lot: known.number)) }
            case .refused(let list): problems = list
            case .unregistered: break
            }
            if !kinds.contains(known.kind) {
                problems.append(.otherKind(lot: known.number, registered: known.kind, wanted: kinds))
            }
            // A damaged line names it: it may have been withdrawn, so it is never taken as plainly usable.
            if context.lotsInDoubt.contains(LotRegister.key(known.number)) {
                problems.append(.statusUnknown(lot: known.number))
            }
        } else {
            // A new lot is added to the register; without its expiry it is still recorded (the room
            // is not held up) and the register flags it until someone records the date.
            var day2: ClinicDay?
            if !expiry.text.isEmpty {
                guard let parsed = LotExpiry.parse(expiry.text) else {
                    throw FormProblem(expiry.label, "type the date on the package, e.g. 2027-03-31 or 2027-03.")
                }
                day2 = parsed
            }
            let name = product.isEmpty ? (newKind ?? kinds[0]).label : product
            use.register = [
                .add(lot: typed, kind: newKind ?? kinds[0], product: name, expires: day2), .open(lot: typed),
            ]
            if let day2, day > day2 { problems = [.expired(lot: typed, on: day2)] }
        }
        if !problems.isEmpty {
            let text = problems.map(\.description).joined(separator: " ")
            guard !reason.text.isEmpty else {
                throw FormProblem(
                    label, text + " Pick another lot, or give a reason in \"\(Self.reasonLabel)\" to use it anyway.")
            }
            use.override = (typed, text, reason.text)
        }
        return use
    }
}

/// The register's product of each lot a form offers. When the lot field changes, the product field
/// follows: a registered lot's product replaces it, and a product filled in for the previous lot is
/// cleared for a lot the register does not know (never one the technician typed).
struct LotProducts: Equatable, Sendable {
    private var byKey: [String: String] = [:]

    init(_ offered: [Lot] = []) {
        for lot in offered { byKey[LotRegister.key(lot.number)] = lot.product }
    }

    func follow(_ lot: FormField, product: inout FormField) {
        if let name = byKey[LotRegister.key(lot.text)] {
            guard product.text != name else { return }
            product = .text(product.label, name, required: product.required)
        } else if product.prefilled, byKey.values.contains(product.text) {
            product = .text(product.label, "", required: product.required)
        }
    }
}

/// The needle cartridge in the pen (the device fields of CLINICAL.md): its lot, its needles, its
/// length, and the pen's puncture rate when known.
public struct NeedleCartridgeForm: FormContent {
    public var lot: FormField
    public var configuration = FormField.text("Needles (12-pin, 36-pin, nano …)", "12-pin", required: true)
    public var length: FormField
    public var rate = FormField.text("Punctures per second (optional)")
    public var expiry = LotPick.expiryField
    public var reason = LotPick.reasonField
    static let pick = LotPick(kinds: [.needleCartridge])

    public init(deviceMax: Double, offered: [Lot] = []) {
        lot = LotPick.lotField("Cartridge lot", offered: offered)
        length = .text("Needle length (mm)", String(format: "%.2f", deviceMax), required: true)
    }

    public var title: String { "Needle cartridge" }
    public var fields: [WritableKeyPath<Self, FormField>] {
        [\.lot, \.configuration, \.length, \.rate, \.expiry, \.reason]
    }

    public func submit(_ context: FormContext) throws(FormProblem) -> FormIntent {
        let punctures = rate.text.isEmpty ? nil : try FieldParsing.integer(rate)
        let cartridge = NeedleCartridge(
            lot: lot.text, configuration: configuration.text, needleLengthMM: try FieldParsing.number(length),
            puncturesPerSecond: punctures)
        let use = try Self.pick.check(
            lot: lot.text, product: configuration.text + " needle cartridge", expiry: expiry, reason: reason,
            label: lot.label, context)
        return .recordWithLot(.recordNeedleCartridge(cartridge), use)
    }
}
