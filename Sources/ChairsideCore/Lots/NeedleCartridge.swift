import Foundation

/// The device fields of a session (CLINICAL.md, after 21 CFR 878.4430): the needle cartridge's lot
/// and how its needles are set up, so a cartridge recall finds the session and the record says
/// what touched the skin.
public struct NeedleCartridge: Codable, Equatable, Sendable {
    public var lot: String
    /// The needle configuration as the cartridge names it: "12-pin", "36-pin", "nano".
    public var configuration: String
    /// The cartridge's needle length (its maximum penetration depth), mm.
    public var needleLengthMM: Double
    /// Punctures per second at the pen's speed setting, when the technician records it.
    public var puncturesPerSecond: Int?

    public init(lot: String, configuration: String, needleLengthMM: Double, puncturesPerSecond: Int? = nil) {
        self.lot = lot
        self.configuration = configuration
        self.needleLengthMM = needleLengthMM
        self.puncturesPerSecond = puncturesPerSecond
    }

    public var summary: String {
        "cartridge lot \(lot), \(configuration), \(Depth.text(needleLengthMM)) needles"
            + (puncturesPerSecond.map { ", \($0) punctures/s" } ?? "")
    }
}

extension EventKind {
    /// The lot numbers this event records, as typed.
    public var lotNumbers: [String] {
        switch self {
        case .bloodDrawn(_, _, let lot), .growthFactorsOpened(_, let lot), .numbingApplied(_, let lot, _, _),
            .postCareApplied(_, let lot):
            [lot]
        case .needleCartridgeRecorded(let cartridge): [cartridge.lot]
        case .lotOverridden(let lot, _, _): [lot]
        default: []
        }
    }
}

extension SessionState {
    /// Every lot the session recorded, by register key (`LotRegister.key`), first use first. A
    /// voided step still counts: a void says the record was wrong, not that the product never
    /// touched the patient, so a recall lists the session for a person to read (docs/DECISIONS.md).
    public var usedLots: [String] {
        var seen = Set<String>()
        var out: [String] = []
        for e in events {
            for number in e.kind.lotNumbers {
                let key = LotRegister.key(number)
                if !key.isEmpty && seen.insert(key).inserted { out.append(key) }
            }
        }
        return out
    }
}
