import ChairsideCore
import Foundation

// Forms of the lot register (issue 17): a lot received, a lot withdrawn, a lot to recall.

/// A lot received: number, kind, product and the expiry date on the package, and who records it.
public struct LotAddForm: FormContent {
    public var lot = FormField.text("Lot number", required: true)
    public var kind = FormField.choice("Kind", LotKind.allCases.map(\.label))
    public var product = FormField.text("Product", required: true)
    public var expires = FormField.text("Expires (YYYY-MM-DD or YYYY-MM)", required: true)
    public var by: FormField

    public init(technicians: [String], kind: LotKind = .anaesthetic) {
        by = .choice("Recorded by", technicians.isEmpty ? ["Technician"] : technicians)
        self.kind = .choice("Kind", LotKind.allCases.map(\.label), LotKind.allCases.firstIndex(of: kind) ?? 0)
    }

    public var title: String { "Add a lot to the register" }
    public var fields: [WritableKeyPath<Self, FormField>] { [\.lot, \.kind, \.product, \.expires, \.by] }

    public func submit(_ context: FormContext) throws(FormProblem) -> FormIntent {
        guard !lot.text.isEmpty else { throw FormProblem(lot.label, "type the lot number as printed on the package.") }
        guard !product.text.isEmpty else { throw FormProblem(product.label, "type the product's name.") }
        guard let day = LotExpiry.parse(expires.text) else {
            throw FormProblem(expires.label, "type the date on the package, e.g. 2027-03-31 or 2027-03.")
        }
        return .recordLot(
            .add(lot: lot.text, kind: LotKind.allCases[kind.choice], product: product.text, expires: day),
            by: byName)
    }

    var byName: String {
        if case .choice(let options, let i) = by.value { return options[i] }
        return "Technician"
    }
}

/// Withdrawing a lot: the reason is recorded, and sessions refuse the lot from then on.
public struct LotWithdrawForm: FormContent {
    public var lot: String
    public var reason = FormField.text("Reason (recall notice, damage …)", required: true)
    public var by: FormField

    public init(lot: String, technicians: [String]) {
        self.lot = lot
        by = .choice("Recorded by", technicians.isEmpty ? ["Technician"] : technicians)
    }

    public var title: String { "Withdraw lot \(Visible.text(lot))" }
    public var fields: [WritableKeyPath<Self, FormField>] { [\.reason, \.by] }

    public func submit(_ context: FormContext) throws(FormProblem) -> FormIntent {
        guard !reason.text.isEmpty else { throw FormProblem(reason.label, "say why; it is recorded with the lot.") }
        var name = "Technician"
        if case .choice(let options, let i) = by.value { name = options[i] }
        return .recordLot(.withdraw(lot: lot, reason: reason.text), by: name)
    }
}

/// Any lot number to recall, in the register or not (a maker's notice may name one never registered).
public struct RecallLotForm: FormContent {
    public var lot: FormField

    public init(lot: String = "") { self.lot = .text("Lot number", lot, required: true) }

    public var title: String { "Recall: which sessions used a lot" }
    public var fields: [WritableKeyPath<Self, FormField>] { [\.lot] }

    public func submit(_ context: FormContext) throws(FormProblem) -> FormIntent {
        guard !LotRegister.key(lot.text).isEmpty else { throw FormProblem(lot.label, "type the lot number.") }
        return .recall(lot: lot.text)
    }
}
