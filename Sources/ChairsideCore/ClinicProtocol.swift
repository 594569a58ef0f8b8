import Foundation

/// A treatment zone with the depths a clinic allows there (mm).
public struct ZoneSetting: Codable, Equatable, Sendable {
    public var id: String
    public var name: String
    public var defaultDepth: Double
    public var maxDepth: Double

    public init(id: String, name: String, defaultDepth: Double, maxDepth: Double) {
        self.id = id
        self.name = name
        self.defaultDepth = defaultDepth
        self.maxDepth = maxDepth
    }
}

public enum Severity: String, Codable, Equatable, Sendable {
    /// Stops the session unless a named provider overrides with a reason.
    case block
    /// Recorded and shown; the session goes on.
    case warn
}

/// One question of the screening checklist. `withinDays` makes it time-bound
/// ("neurotoxin in the last 14 days"): an answer dated before the window does not count.
public struct Contraindication: Codable, Equatable, Sendable {
    public var id: String
    public var label: String
    public var severity: Severity
    public var withinDays: Int?

    public init(id: String, label: String, severity: Severity, withinDays: Int? = nil) {
        self.id = id
        self.label = label
        self.severity = severity
        self.withinDays = withinDays
    }
}

/// The clinic's procedure settings. Every number is a setting with a default from CLINICAL.md.
public struct ClinicProtocol: Codable, Equatable, Sendable {
    public var zones: [ZoneSetting]
    public var depthStep: Double
    public var deviceMaxDepth: Double
    public var numbingDwellTargetMinutes: Int
    public var numbingDwellMaxMinutes: Int
    public var prpAgeLimitMinutes: Int
    public var minimumIntervalDays: Int
    public var contraindications: [Contraindication]
    /// Completing with no PRP applied asks for a reason, recorded with the session (a PRP procedure).
    public var completionNeedsPRPApplied = true
    /// Completing with no post-care product applied asks for a reason, recorded with the session.
    public var completionNeedsPostCare = true
    /// Stopping the centrifuge before its programmed minutes records a warning that the spin was short.
    public var warnShortSpin = true

    public func zone(_ id: String) -> ZoneSetting? { zones.first { $0.id == id } }

    public func zoneName(_ id: String) -> String { zone(id)?.name ?? id }

    /// Built-in defaults, taken from CLINICAL.md.
    public static let standard = ClinicProtocol(
        zones: [
            ZoneSetting(id: "forehead", name: "Forehead", defaultDepth: 0.5, maxDepth: 0.75),
            ZoneSetting(id: "glabella", name: "Between the brows", defaultDepth: 0.5, maxDepth: 1.0),
            ZoneSetting(id: "periorbital", name: "Around the eyes", defaultDepth: 0.25, maxDepth: 0.5),
            ZoneSetting(id: "nose", name: "Nose", defaultDepth: 0.25, maxDepth: 0.5),
            ZoneSetting(id: "cheeks", name: "Cheeks", defaultDepth: 1.0, maxDepth: 2.0),
            ZoneSetting(id: "perioral", name: "Upper lip and mouth", defaultDepth: 0.25, maxDepth: 0.75),
            ZoneSetting(id: "chin", name: "Chin", defaultDepth: 1.0, maxDepth: 2.0),
            ZoneSetting(id: "jawline", name: "Jawline", defaultDepth: 1.0, maxDepth: 1.5),
            ZoneSetting(id: "neck", name: "Neck", defaultDepth: 0.5, maxDepth: 1.0),
            ZoneSetting(id: "decollete", name: "Décolleté", defaultDepth: 0.5, maxDepth: 1.0),
            ZoneSetting(id: "acne-scars", name: "Acne scars", defaultDepth: 1.5, maxDepth: 2.0),
            ZoneSetting(id: "stretch-marks", name: "Stretch marks", defaultDepth: 1.5, maxDepth: 2.0),
        ],
        depthStep: 0.25,
        deviceMaxDepth: 2.5,
        numbingDwellTargetMinutes: 30,
        numbingDwellMaxMinutes: 45,
        prpAgeLimitMinutes: 240,
        minimumIntervalDays: 28,
        contraindications: [
            Contraindication(id: "pregnancy", label: "Pregnant or breastfeeding", severity: .block),
            Contraindication(
                id: "infection", label: "Infection, open wound or active acne in the area", severity: .block),
            Contraindication(
                id: "isotretinoin", label: "Isotretinoin in the last 6 months", severity: .block, withinDays: 182),
            Contraindication(id: "keloid", label: "Keloid or hypertrophic scarring history", severity: .block),
            Contraindication(id: "immunosuppression", label: "Immunosuppressed", severity: .block),
            Contraindication(id: "bleeding", label: "Bleeding disorder or anticoagulants", severity: .block),
            Contraindication(id: "cancer-treatment", label: "Chemotherapy or radiation treatment", severity: .block),
            Contraindication(
                id: "collagen-disease", label: "Scleroderma or collagen vascular disease", severity: .block),
            Contraindication(
                id: "skin-flare", label: "Eczema, psoriasis or rosacea flare in the area", severity: .warn),
            Contraindication(id: "herpes", label: "Cold sores (herpes simplex) history", severity: .warn),
            Contraindication(
                id: "neurotoxin", label: "Neurotoxin in the last 2 weeks", severity: .warn, withinDays: 14),
            Contraindication(id: "filler", label: "Dermal filler in the last 4 weeks", severity: .warn, withinDays: 28),
            Contraindication(
                id: "retinoids", label: "Topical retinoids in the last 7 days", severity: .warn, withinDays: 7),
            Contraindication(id: "nsaids", label: "NSAIDs in the last 3 days", severity: .warn, withinDays: 3),
            Contraindication(
                id: "sun-laser", label: "Sunburn or laser in the last 2 weeks", severity: .warn, withinDays: 14),
            Contraindication(id: "fungal", label: "Fungal skin infection", severity: .warn),
            Contraindication(id: "allergy", label: "Allergy to anaesthetic or stainless steel", severity: .warn),
        ]
    )
}

/// Everything a clinic sets in its config file.
public struct ClinicConfig: Codable, Equatable, Sendable {
    public var clinicName: String
    public var clinicPhone: String
    public var technicians: [String]
    public var rooms: [String]
    public var printer: String?
    public var theme: String
    /// Minutes without a key before the console hides names and details (0: never).
    public var privacyAfterMinutes = 5
    public var protocolSettings: ClinicProtocol
    public var aftercare: AftercareSettings
    /// `[replica]`: the PostgreSQL replica, if the clinic has one (issue 18).
    public var replica: ReplicaSettings? = nil
    /// `clinic.time_zone` (an IANA name such as "Pacific/Auckland"): the zone of the clinic's calendar day;
    /// nil means the machine's zone. The caller resolves it (`timeZone(machine:)`); the core never reads a zone.
    public var timeZoneID: String? = nil

    /// The clinic's zone: the configured one, else `machine` (what the program that loaded the config passes).
    public func timeZone(machine: TimeZone) -> TimeZone {
        timeZoneID.flatMap(TimeZone.init(identifier:)) ?? machine
    }
    /// `[lots] expiry_warning_days`: Today flags lots in use that expire within this many days (issue 17).
    public var lotExpiryWarningDays = 30

    public static let standard = ClinicConfig(
        clinicName: "Chairside Clinic",
        clinicPhone: "",
        technicians: ["Technician"],
        rooms: ["Room 1"],
        printer: nil,
        theme: "default",
        protocolSettings: .standard,
        aftercare: .standard
    )
}
