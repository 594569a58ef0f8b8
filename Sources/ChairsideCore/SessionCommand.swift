import Foundation

/// What a technician asks for. The decider turns an accepted command into events.
public enum SessionCommand: Equatable, Sendable {
    case start(patient: Patient, technician: String, room: String, plannedZones: [String])
    case recordScreening(answers: [ScreeningAnswer])
    case recordConsent(signedBy: String)
    case override(provider: String, reason: String)
    case drawBlood(volumeML: Double, tubes: Int, lot: String)
    case startCentrifuge(CentrifugeProgram)
    case stopCentrifuge
    case preparePRP(volumeML: Double)
    case openGrowthFactors(product: String, lot: String)
    case applyNumbing(agent: String, lot: String, zones: [String], dwellTargetMinutes: Int)
    case removeNumbing
    case skipNumbing(reason: String)
    case cleanseSkin
    /// `confirmAboveProtocol` is the technician's explicit yes to a depth above the zone's protocol maximum.
    case logPass(Pass, confirmAboveProtocol: Bool)
    case changeDepth(zone: String, to: Double, confirmAboveProtocol: Bool)
    case applyPRP(zone: String?, volumeML: Double, method: PRPMethod)
    case applyPostCare(product: String, lot: String)
    case recordAftercare(AftercareDelivery)
    /// A further copy once aftercare is recorded (a reprint, a saved copy), also after completion.
    case reissueAftercare(AftercareDelivery)
    case note(String)
    case adverseEvent(String)
    case pause
    case resume
    case void(seq: Int, reason: String)
    case complete
    /// Completing although the protocol expects something not recorded (PRP applied, post-care),
    /// with the technician's reason for each such gap; the reasons are recorded with the session.
    case completeWithReasons([CompletionGap: String])
    case abort(reason: String)
    case amend(text: String, refersTo: Int?)
    /// The needle cartridge in the pen and its configuration (issue 17).
    case recordNeedleCartridge(NeedleCartridge)
    /// Using a lot the register refuses (`LotProblem`), with the technician's reason; recorded first.
    case overrideLot(lot: String, problem: String, reason: String)
    /// The explicit yes to go on recording a session whose journal's end is unreadable (issue 14).
    case continueAfterUnreadableEnd
}

/// Why the decider said no, in words a technician can act on.
public enum Refusal: Error, Equatable, Sendable, CustomStringConvertible {
    case alreadyStarted
    case notStarted
    case missingField(String)
    case invalidValue(String)
    case unknownZone(String)
    case unknownTechnician(String)
    case screeningFirst
    case consentFirst
    case blockedByScreening([String])
    case nothingToOverride
    case sessionClosed
    case sessionPaused
    case notPaused
    case bloodNotDrawn
    case centrifugeAlreadyRunning
    case centrifugeNotRunning
    case centrifugeStillRunning
    case prpAlreadyAvailable
    case prpNotReady
    case numbingAlreadyApplied
    case numbingNotApplied
    case numbingStillOn
    case numbingAlreadyDecided
    case skinNotCleansed
    case depthAboveDevice(depth: Double, max: Double)
    case depthAboveProtocol(zone: String, depth: Double, max: Double)
    case noPassYet
    case aftercareMissing
    case aftercareAlreadyGiven
    case aftercareNotGivenYet
    case unknownEvent(Int)
    case cannotVoid(String)
    case notCompleted
    case screeningAlreadyRecorded
    case centrifugeNotStarted
    case completionNeedsReason([CompletionGap])
    case depthOffStep(depth: Double, step: Double)
    case depthUnchanged(zone: String, depth: Double)
    /// A late entry's step timed before the session's last recorded step (given as HH:MM).
    case stepBeforeLastStep(String)
    case paperHistory
    /// The journal's end is unreadable: the session may have been completed or voided already.
    case endUnreadable
    /// Nothing to confirm: the session's end reads.
    case endReadable

    public var description: String {
        switch self {
        case .alreadyStarted: "This session has already started."
        case .notStarted: "Start the session first."
        case .stepBeforeLastStep(let last):
            "The session's last step was recorded at \(last); give this step a time at or after \(last)."
        case .missingField(let f): "\(f) is needed; fill it in and try again."
        case .invalidValue(let why): why
        case .unknownZone(let z): "\(Visible.text(z)) is not a zone in the protocol; pick one from the list."
        case .unknownTechnician(let t): "\(Visible.text(t)) is not a technician in the clinic config."
        case .screeningFirst: "Record the screening first: nothing clinical happens before it."
        case .consentFirst: "Record the patient's consent first."
        case .blockedByScreening(let items):
            "Screening blocks treatment (\(items.joined(separator: ", "))): a provider must override with a reason, or abort."
        case .nothingToOverride: "Nothing in the screening blocks this session, so there is nothing to override."
        case .sessionClosed: "This session is closed: only notes and amendments can be added."
        case .sessionPaused: "The session is paused: resume it first."
        case .notPaused: "The session is not paused."
        case .bloodNotDrawn: "Record the blood draw first."
        case .centrifugeAlreadyRunning: "The centrifuge is already running."
        case .centrifugeNotRunning: "The centrifuge is not running."
        case .centrifugeStillRunning: "Stop the centrifuge before recording the PRP."
        case .prpAlreadyAvailable: "PRP or growth factors are already recorded for this session."
        case .prpNotReady: "Record the PRP as prepared (or growth factors opened) before applying it."
        case .numbingAlreadyApplied: "Numbing is already on."
        case .numbingNotApplied: "Numbing has not been applied."
        case .numbingStillOn: "Remove the numbing cream before needling, or skip numbing with a reason."
        case .numbingAlreadyDecided: "Numbing is already recorded for this session."
        case .skinNotCleansed: "Cleanse the skin before needling."
        case .depthAboveDevice(let d, let m):
            "\(Depth.text(d)) is beyond the device maximum of \(Depth.text(m)); choose a shallower depth."
        case .depthAboveProtocol(let z, let d, let m):
            "\(Depth.text(d)) is above the protocol maximum of \(Depth.text(m)) for \(z): confirm to go on."
        case .noPassYet: "Log at least one pass first."
        case .aftercareMissing: "Record the aftercare before completing."
        case .aftercareAlreadyGiven: "Aftercare is already recorded; void it first to change it."
        case .aftercareNotGivenYet: "No aftercare is recorded for this session yet; record it before reprinting."
        case .unknownEvent(let seq): "There is no event #\(seq) to void."
        case .cannotVoid(let why): why
        case .notCompleted:
            "Amendments are for completed or aborted sessions; while the session is open, void and record again."
        case .screeningAlreadyRecorded: "Screening is already recorded; void it to record it again."
        case .centrifugeNotStarted: "Spin the blood first."
        case .completionNeedsReason(let gaps):
            gaps.map(\.question).joined(separator: " ") + " Give a reason to complete without it, or record it first."
        case .depthOffStep(let d, let step):
            "\(Depth.text(d)) is not on the device's \(Depth.text(step)) steps; choose \(Depth.text(Depth.snapped(d, step: step, up: false)))"
                + " or \(Depth.text(Depth.snapped(d, step: step, up: true)))."
        case .depthUnchanged(let z, let d): "\(z) is already at \(Depth.text(d))."
        case .endUnreadable:
            "This session's last event is unreadable: it may have been completed or voided already. "
                + "Confirm that you are continuing it first."
        case .endReadable: "This session's journal reads to its end: there is nothing to confirm."
        case .paperHistory:
            "This session was imported from paper records: it is history, and its aftercare was given at the time, "
                + "so Chairside writes no sheet for it. Write the sheet from the patient's latest Chairside session."
        }
    }

    /// The step that clears this refusal, in domain terms. A front end turns it into its own
    /// instruction (the console names a key; the command line never does).
    public var remedy: Remedy? {
        switch self {
        case .screeningFirst: .recordScreening
        case .consentFirst: .recordConsent
        case .blockedByScreening: .providerOverride
        case .sessionPaused: .resume
        case .bloodNotDrawn: .drawBlood
        case .centrifugeStillRunning: .stopCentrifuge
        case .centrifugeNotStarted: .startCentrifuge
        case .prpNotReady: .preparePRP
        case .numbingStillOn: .removeNumbing
        case .skinNotCleansed: .cleanseSkin
        case .noPassYet: .logPass
        case .aftercareMissing, .aftercareNotGivenYet: .recordAftercare
        case .screeningAlreadyRecorded, .aftercareAlreadyGiven: .voidEvent
        default: nil
        }
    }
}

/// What a technician can do next to get past a refusal.
public enum Remedy: Equatable, Sendable, CaseIterable {
    case recordScreening, recordConsent, providerOverride, resume, drawBlood, startCentrifuge, stopCentrifuge
    case preparePRP, removeNumbing, cleanseSkin, logPass, recordAftercare, voidEvent
}

/// Something a PRP session is expected to have that completing without asks a reason for.
public enum CompletionGap: String, Codable, CaseIterable, Sendable {
    case noPRPApplied = "no-prp-applied"
    case noPostCare = "no-post-care"

    public var label: String { self == .noPRPApplied ? "No PRP applied" : "No post-care applied" }

    public var question: String {
        self == .noPRPApplied ? "No PRP was applied in this session." : "No post-care product was applied."
    }
}

public enum Depth {
    /// 0.5 -> "0.50 mm".
    public static func text(_ mm: Double) -> String { String(format: "%.2f mm", mm) }

    /// Depths are compared on a 1/1000 mm grid so 0.1 + 0.2 style drift never refuses a legal depth.
    public static func exceeds(_ depth: Double, _ limit: Double) -> Bool {
        (depth * 1000).rounded() > (limit * 1000).rounded()
    }

    public static func same(_ a: Double, _ b: Double) -> Bool { (a * 1000).rounded() == (b * 1000).rounded() }

    /// Whether a depth is a whole number of the device's steps (on the same 1/1000 mm grid).
    public static func onStep(_ depth: Double, step: Double) -> Bool {
        let milli = Int((depth * 1000).rounded())
        let stepMilli = Int((step * 1000).rounded())
        return stepMilli <= 0 || milli % stepMilli == 0
    }

    /// The step below (or above) a depth that is off the steps.
    public static func snapped(_ depth: Double, step: Double, up: Bool) -> Double {
        let n = depth / step
        return (up ? n.rounded(.up) : n.rounded(.down)) * step
    }
}
