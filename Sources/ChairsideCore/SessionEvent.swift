import Foundation

/// How the centrifuge was run: g-force is portable between rotors, RPM is not, so both are recorded as given.
public struct CentrifugeProgram: Codable, Equatable, Sendable {
    public enum Unit: String, Codable, Sendable { case g, rpm }
    public var unit: Unit
    public var value: Int
    public var minutes: Int

    public init(unit: Unit, value: Int, minutes: Int) {
        self.unit = unit
        self.value = value
        self.minutes = minutes
    }

    public var summary: String { "\(value) \(unit == .g ? "g" : "rpm") × \(minutes) min" }
}

public struct ScreeningAnswer: Codable, Equatable, Sendable {
    public var item: String
    public var present: Bool
    /// When the thing last happened, for time-bound items (neurotoxin, isotretinoin …).
    public var lastDate: ClinicDay?

    public init(item: String, present: Bool, lastDate: ClinicDay? = nil) {
        self.item = item
        self.present = present
        self.lastDate = lastDate
    }
}

public enum PassPattern: String, Codable, CaseIterable, Sendable {
    case horizontal, vertical, diagonal, stamping
}

public enum PassEndpoint: String, Codable, CaseIterable, Sendable {
    case erythema
    case pinpointBleeding = "pinpoint-bleeding"

    public var label: String { self == .erythema ? "even erythema" : "pinpoint bleeding" }
}

public struct Pass: Codable, Equatable, Sendable {
    public var zone: String
    public var depth: Double
    public var count: Int
    public var pattern: PassPattern
    public var endpoint: PassEndpoint

    public init(zone: String, depth: Double, count: Int, pattern: PassPattern, endpoint: PassEndpoint) {
        self.zone = zone
        self.depth = depth
        self.count = count
        self.pattern = pattern
        self.endpoint = endpoint
    }
}

public enum PRPMethod: String, Codable, CaseIterable, Sendable {
    case duringPasses = "during-passes"
    case after

    public var label: String { self == .duringPasses ? "during passes" : "after passes" }
}

public enum AftercareDelivery: Codable, Equatable, Sendable {
    /// Sent to a CUPS queue; the job id is what `lp` answered ("clinic-laser-42").
    case printed(printer: String, jobID: String)
    case saved(file: String)
    case handedPrePrinted
    case declined(reason: String)

    /// One word for tables and exports: printed, saved, handed, declined.
    public var kindLabel: String {
        switch self {
        case .printed: "printed"
        case .saved: "saved"
        case .handedPrePrinted: "handed"
        case .declined: "declined"
        }
    }

    public var summary: String {
        switch self {
        case .printed(let printer, let job): "printed on \(printer) (job \(job))"
        case .saved(let file): "saved to \(file)"
        case .handedPrePrinted: "handed a pre-printed sheet"
        case .declined(let reason): "declined: \(reason)"
        }
    }
}

/// Everything that can happen in a session. Each accepted command becomes one or more of these;
/// they are appended to the journal and never changed.
public enum EventKind: Codable, Equatable, Sendable {
    case started(patientID: String, patientName: String, technician: String, room: String, plannedZones: [String])
    case screeningRecorded(answers: [ScreeningAnswer])
    case consentRecorded(signedBy: String)
    case overridden(provider: String, reason: String, items: [String])
    case bloodDrawn(volumeML: Double, tubes: Int, lot: String)
    case centrifugeStarted(program: CentrifugeProgram)
    case centrifugeStopped
    case prpPrepared(volumeML: Double)
    case growthFactorsOpened(product: String, lot: String)
    case numbingApplied(agent: String, lot: String, zones: [String], dwellTargetMinutes: Int)
    case numbingRemoved(dwellSeconds: Int)
    case numbingSkipped(reason: String)
    case skinCleansed
    case passLogged(pass: Pass, aboveProtocolConfirmed: Bool)
    case depthChanged(zone: String, from: Double, to: Double, aboveProtocolConfirmed: Bool)
    case prpApplied(zone: String?, volumeML: Double, method: PRPMethod)
    case postCareApplied(product: String, lot: String)
    case aftercareGiven(delivery: AftercareDelivery)
    /// Another copy after the aftercare was recorded: a reprint, a saved copy.
    case aftercareReissued(delivery: AftercareDelivery)
    case note(text: String)
    case adverseEvent(description: String)
    case paused
    case resumed
    case voided(seq: Int, reason: String)
    case completed
    case aborted(reason: String)
    case amended(text: String, refersTo: Int?)
    case warning(code: String, message: String)
    /// A past session brought in from paper records (`chairside import-history`): the zones treated
    /// and the depth written on the chart, and where the row came from. Stands in for the passes.
    case paperRecord(zones: [PaperZone], source: String)
    /// The needle cartridge and its configuration (the device fields; issue 17).
    case needleCartridgeRecorded(cartridge: NeedleCartridge)
    /// A lot the register refused (expired, withdrawn …) used anyway, with the technician's reason.
    case lotOverridden(lot: String, problem: String, reason: String)
    /// Someone chose to go on recording a session whose journal's end could not be read (its last
    /// line damaged, or lines missing from its end): the record says why a second completion may exist.
    case continuedAfterUnreadableEnd(afterSeq: Int)
}

/// One zone of a session from paper records; the depth is nil when the chart did not give one.
public struct PaperZone: Codable, Equatable, Sendable {
    public var zone: String
    public var depth: Double?

    public init(zone: String, depth: Double?) {
        self.zone = zone
        self.depth = depth
    }
}

/// One line of a session's journal: what happened, when, and who did it.
public struct SessionEvent: Codable, Equatable, Sendable {
    public var seq: Int
    public var at: Date
    public var by: String
    public var kind: EventKind
    /// Set only on a late entry (a session charted after the fact): when the line was actually
    /// written, while `at` is when it happened. The store stamps it at append; the core never reads the clock.
    public var recordedAt: Date?

    public init(seq: Int, at: Date, by: String, kind: EventKind, recordedAt: Date? = nil) {
        self.seq = seq
        self.at = at
        self.by = by
        self.kind = kind
        self.recordedAt = recordedAt
    }

    /// Whether this event was charted after the fact.
    public var isLateEntry: Bool { recordedAt != nil }
}

extension EventKind {
    /// Clinical steps can be voided (with a reason). Start, warnings, pause and resume, notes,
    /// amendments, completion, abort and voids themselves stand as recorded.
    public var isVoidable: Bool {
        switch self {
        case .started, .voided, .completed, .aborted, .warning, .paused, .resumed, .note, .amended, .paperRecord,
            .continuedAfterUnreadableEnd:
            false
        default: true
        }
    }
}
