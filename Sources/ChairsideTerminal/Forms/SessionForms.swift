import ChairsideCore
import Foundation

// The session's forms: each names its fields and builds the command it stands for.

public struct ConsentForm: FormContent {
    public var signedBy: FormField

    public init(patientName: String) { signedBy = .text("Signed by", patientName, required: true) }

    public var title: String { "Consent" }
    public var fields: [WritableKeyPath<Self, FormField>] { [\.signedBy] }

    public func submit(_ context: FormContext) throws(FormProblem) -> FormIntent {
        .record(.recordConsent(signedBy: signedBy.text))
    }
}

public struct OverrideForm: FormContent {
    public var provider = FormField.text("Provider", required: true)
    public var reason = FormField.text("Reason", required: true)

    public init() {}

    public var title: String { "Provider override" }
    public var fields: [WritableKeyPath<Self, FormField>] { [\.provider, \.reason] }

    public func submit(_ context: FormContext) throws(FormProblem) -> FormIntent {
        .record(.override(provider: provider.text, reason: reason.text))
    }
}

public struct BloodDrawForm: FormContent {
    public var volume = FormField.text("Volume (mL)", "30", required: true)
    public var tubes = FormField.text("Tubes", "3", required: true)
    public var lot: FormField
    public var expiry = LotPick.expiryField
    public var reason = LotPick.reasonField
    static let pick = LotPick(kinds: [.bloodTubes, .prpKit])

    /// `offered`: the open lots of tubes and PRP kits (LotPick.offered), the first filled in.
    public init(offered: [Lot] = []) { lot = LotPick.lotField("Tube / kit lot", offered: offered) }

    public var title: String { "Blood draw" }
    public var fields: [WritableKeyPath<Self, FormField>] { [\.volume, \.tubes, \.lot, \.expiry, \.reason] }

    public func submit(_ context: FormContext) throws(FormProblem) -> FormIntent {
        let command = SessionCommand.drawBlood(
            volumeML: try FieldParsing.number(volume), tubes: try FieldParsing.integer(tubes), lot: lot.text)
        let use = try Self.pick.check(
            lot: lot.text, product: "", expiry: expiry, reason: reason, label: lot.label, context)
        return .recordWithLot(command, use)
    }
}

public struct CentrifugeForm: FormContent {
    public var unit = FormField.choice("Unit", ["g-force", "RPM"])
    public var speed = FormField.text("Speed", "1500", required: true)
    public var minutes = FormField.text("Minutes", "8", required: true)

    public init() {}

    public var title: String { "Centrifuge" }
    public var fields: [WritableKeyPath<Self, FormField>] { [\.unit, \.speed, \.minutes] }

    public func submit(_ context: FormContext) throws(FormProblem) -> FormIntent {
        let program = CentrifugeProgram(
            unit: unit.choice == 0 ? .g : .rpm, value: try FieldParsing.integer(speed),
            minutes: try FieldParsing.integer(minutes))
        return .record(.startCentrifuge(program))
    }
}

public struct PRPPreparedForm: FormContent {
    public var volume = FormField.text("Volume (mL)", "4", required: true)

    public init() {}

    public var title: String { "PRP prepared" }
    public var fields: [WritableKeyPath<Self, FormField>] { [\.volume] }

    public func submit(_ context: FormContext) throws(FormProblem) -> FormIntent {
        .record(.preparePRP(volumeML: try FieldParsing.number(volume)))
    }
}

/// A product with its lot: growth factors opened, or a post-care product applied.
public struct ProductLotForm: FormContent {
    public enum Purpose: Sendable { case growthFactors, postCare }

    public var purpose: Purpose
    public var product: FormField
    public var lot: FormField
    /// For a post-care lot typed new: serum, sunscreen or other.
    public var newKind = FormField.choice("Kind, if a new lot", ["serum", "sunscreen", "other"])
    public var expiry = LotPick.expiryField
    public var reason = LotPick.reasonField

    /// The kinds of lot each purpose takes.
    public static func kinds(_ purpose: Purpose) -> [LotKind] {
        purpose == .growthFactors ? [.growthFactors] : [.serum, .sunscreen, .other]
    }

    /// The register's product of each lot offered, so the product follows when the lot changes.
    var products = LotProducts()

    /// `offered`: the open lots of the purpose's kinds; the first is filled in with its product.
    /// `known`: every lot of the register (default: those offered), for the product to follow.
    public init(purpose: Purpose, offered: [Lot] = [], known: [Lot]? = nil) {
        self.purpose = purpose
        product = .text("Product", offered.first?.product ?? "", required: true)
        lot = LotPick.lotField("Lot", offered: offered)
        products = LotProducts(known ?? offered)
    }

    public mutating func didEdit(_ index: Int) {
        if fields[index] == \.lot { products.follow(lot, product: &product) }
    }

    public var title: String { purpose == .growthFactors ? "Growth factors opened" : "Post-care product" }
    public var fields: [WritableKeyPath<Self, FormField>] {
        purpose == .growthFactors
            ? [\.product, \.lot, \.expiry, \.reason] : [\.product, \.lot, \.newKind, \.expiry, \.reason]
    }

    public func submit(_ context: FormContext) throws(FormProblem) -> FormIntent {
        let command: SessionCommand =
            switch purpose {
            case .growthFactors: .openGrowthFactors(product: product.text, lot: lot.text)
            case .postCare: .applyPostCare(product: product.text, lot: lot.text)
            }
        let kinds = Self.kinds(purpose)
        let use = try LotPick(kinds: kinds).check(
            lot: lot.text, product: product.text, newKind: purpose == .postCare ? kinds[newKind.choice] : nil,
            expiry: expiry, reason: reason, label: lot.label, context)
        return .recordWithLot(command, use)
    }
}

public struct NumbingForm: FormContent {
    public var agent: FormField
    public var lot: FormField
    public var dwellTarget: FormField
    public var expiry = LotPick.expiryField
    public var reason = LotPick.reasonField
    static let pick = LotPick(kinds: [.anaesthetic])

    var products = LotProducts()

    /// `offered`: the open anaesthetic lots; the first is filled in with its product as the agent.
    public init(defaultDwellMinutes: Int, offered: [Lot] = [], known: [Lot]? = nil) {
        agent = .text("Agent", offered.first?.product ?? "", required: true)
        lot = LotPick.lotField("Lot", offered: offered)
        dwellTarget = .text("Dwell target (min)", "\(defaultDwellMinutes)", required: true)
        products = LotProducts(known ?? offered)
    }

    public mutating func didEdit(_ index: Int) {
        if fields[index] == \.lot { products.follow(lot, product: &agent) }
    }

    public var title: String { "Numbing applied" }
    public var fields: [WritableKeyPath<Self, FormField>] { [\.agent, \.lot, \.dwellTarget, \.expiry, \.reason] }

    public func submit(_ context: FormContext) throws(FormProblem) -> FormIntent {
        let command = SessionCommand.applyNumbing(
            agent: agent.text, lot: lot.text, zones: context.session?.start?.plannedZones ?? [],
            dwellTargetMinutes: try FieldParsing.integer(dwellTarget))
        let use = try Self.pick.check(
            lot: lot.text, product: agent.text, expiry: expiry, reason: reason, label: lot.label, context)
        return .recordWithLot(command, use)
    }
}

public struct PassForm: FormContent {
    public var zone: ZoneSetting
    public var depth: Double
    public var count = FormField.text("Passes", "1", required: true)
    public var pattern = FormField.choice("Pattern", PassPattern.allCases.map(\.rawValue))
    public var endpoint = FormField.choice("Endpoint", PassEndpoint.allCases.map(\.label))

    public init(zone: ZoneSetting, depth: Double) {
        self.zone = zone
        self.depth = depth
    }

    public var title: String { "Log pass: \(zone.name) at \(Depth.text(depth))" }
    public var fields: [WritableKeyPath<Self, FormField>] { [\.count, \.pattern, \.endpoint] }

    public func submit(_ context: FormContext) throws(FormProblem) -> FormIntent {
        let pass = Pass(
            zone: zone.id, depth: depth, count: try FieldParsing.integer(count),
            pattern: PassPattern.allCases[pattern.choice], endpoint: PassEndpoint.allCases[endpoint.choice])
        // Above the protocol maximum is only reachable by a depth change the technician confirmed.
        return .record(.logPass(pass, confirmAboveProtocol: Depth.exceeds(depth, zone.maxDepth)))
    }
}

public struct PRPApplyForm: FormContent {
    private var zoneIDs: [String]
    public var zone: FormField
    public var volume = FormField.text("Volume (mL)", "1", required: true)
    public var method = FormField.choice("Method", PRPMethod.allCases.map(\.label))

    public init(plannedZones: [String], proto: ClinicProtocol) {
        zoneIDs = plannedZones
        zone = .choice("Zone", ["All zones"] + plannedZones.map(proto.zoneName))
    }

    public var title: String { "PRP applied" }
    public var fields: [WritableKeyPath<Self, FormField>] { [\.zone, \.volume, \.method] }

    public func submit(_ context: FormContext) throws(FormProblem) -> FormIntent {
        let chosen = zone.choice == 0 ? nil : zoneIDs[zone.choice - 1]
        return .record(
            .applyPRP(
                zone: chosen, volumeML: try FieldParsing.number(volume),
                method: PRPMethod.allCases[method.choice]))
    }
}

/// One line of free text: a note (an amendment once closed), an adverse event, or the reason for
/// skipping numbing, a declined sheet or an abort.
public struct TextEntryForm: FormContent {
    public enum Purpose: Sendable { case note, amendment, adverseEvent, skipNumbing, aftercareDeclined, abort }

    public var purpose: Purpose
    public var text: FormField

    public init(_ purpose: Purpose) {
        self.purpose = purpose
        let label =
            switch purpose {
            case .note: "Note"
            case .amendment: "Amendment"
            case .adverseEvent: "What happened and what was done"
            case .skipNumbing, .aftercareDeclined, .abort: "Reason"
            }
        text = .text(label, required: true)
    }

    public var title: String {
        switch purpose {
        case .note: "Note"
        case .amendment: "Amendment"
        case .adverseEvent: "Adverse event"
        case .skipNumbing: "Skip numbing"
        case .aftercareDeclined: "Aftercare declined"
        case .abort: "Abort the session"
        }
    }

    public var fields: [WritableKeyPath<Self, FormField>] { [\.text] }

    public func submit(_ context: FormContext) throws(FormProblem) -> FormIntent {
        switch purpose {
        case .note: .record(.note(text.text))
        case .amendment: .record(.amend(text: text.text, refersTo: nil))
        case .adverseEvent: .record(.adverseEvent(text.text))
        case .skipNumbing: .record(.skipNumbing(reason: text.text))
        case .aftercareDeclined: .record(.recordAftercare(.declined(reason: text.text)))
        case .abort: .record(.abort(reason: text.text))
        }
    }
}

/// Undo: which event to void, and why.
public struct VoidForm: FormContent {
    private var seqs: [Int]
    public var event: FormField
    public var reason = FormField.text("Reason", required: true)

    public init(voidable: [SessionEvent], proto: ClinicProtocol) {
        seqs = voidable.map(\.seq)
        event = .choice(
            "Event",
            voidable.map {
                // Whole: the form wraps a long choice, so the technician reads what they are undoing.
                "#\($0.seq) " + Visible.text(EventDescription.line($0.kind, proto: proto))
            })
    }

    public var title: String { "Undo (void) an event" }
    public var fields: [WritableKeyPath<Self, FormField>] { [\.event, \.reason] }

    public func submit(_ context: FormContext) throws(FormProblem) -> FormIntent {
        .record(.void(seq: seqs[event.choice], reason: reason.text))
    }
}
