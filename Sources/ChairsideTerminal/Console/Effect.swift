import ChairsideCore
import ChairsidePrinting
import Foundation

/// Work the update asks for, as a value. The effect runner performs it (store work on its own
/// thread, printing on another) and answers with a `Message.result`; update itself never performs I/O.
public enum Effect: Equatable, Sendable {
    case loadDay(ClinicDay)
    /// The day with the other rooms' sessions pulled from the replica (read-only).
    case loadDayAllRooms(ClinicDay)
    /// The replicator's status file, for the header.
    case readReplicaStatus
    case searchPatients(String)
    case savePatient(Patient)
    /// Creates the session's journal with its first events and holds it for recording.
    case beginSession(id: String, events: [SessionEvent])
    /// As `beginSession`, for a session charted after the fact: the store marks every line as a late entry.
    case beginLateSession(id: String, events: [SessionEvent])
    /// Holds a session for recording (a closed one too: notes and amendments).
    case openSession(id: String)
    /// Lets go of the session held for recording; it stays resumable.
    case closeSession
    case append(sessionID: String, events: [SessionEvent])
    case loadHistory(patientID: String)
    /// The due list for the front desk (reads every patient's session references).
    case loadDueList(day: ClinicDay, scope: DueList.Scope, proto: ClinicProtocol, settings: AftercareSettings)
    /// The answers of the patient's latest earlier screening, to offer in a new one.
    case loadLastScreening(patientID: String, excluding: String)
    case saveTheme(name: String, path: String)
    /// A path ending in `.pdf` gets the typeset sheet, any other the text.
    case saveAftercare(SheetDocument, path: String)
    /// The typeset sheet, or the text when the typesetter is not installed.
    case printAftercare(SheetDocument, queue: String?, paper: Paper)
    /// The lot register (issue 17); read at start for Today's expiry flag, so it holds no keys.
    case loadLots
    case recordLot(LotCommand, by: String)
    /// Every session that recorded a lot.
    case recall(lot: String)
    // What the terminal does itself.
    case bell
    case quit
    /// The theme changed: the terminal restyles with the model's theme.
    case restyle

    /// Effects the terminal handles on the loop, without the runner.
    public var output: Output? {
        switch self {
        case .bell: .bell
        case .quit: .quit
        case .restyle: .restyle
        default: nil
        }
    }

    /// Store work the next keys depend on: until its answer comes, keys wait their turn (the
    /// clock and timers go on). Printing does not hold keys.
    var holdsKeys: Bool {
        switch self {
        case .printAftercare, .bell, .quit, .restyle, .closeSession, .saveTheme, .readReplicaStatus, .loadLots: false
        default: true
        }
    }
}

/// The aftercare sheet in both forms: the text the preview shows, and the page to typeset.
public struct SheetDocument: Equatable, Sendable {
    public var text: String
    public var html: String

    public init(text: String, html: String) {
        self.text = text
        self.html = html
    }
}

/// What the terminal does besides drawing a frame.
public enum Output: Equatable, Sendable {
    case bell, quit, restyle
}

/// A session held for recording, as the console needs it.
public struct OpenedSession: Equatable, Sendable {
    public var state: SessionState
    public var patient: Patient?
    /// The patient's other sessions, for the interval rule and the aftercare sheet.
    public var history: [SessionRef]
    /// True when it was just created by `beginSession`.
    public var isNew: Bool

    public init(state: SessionState, patient: Patient?, history: [SessionRef], isNew: Bool) {
        self.state = state
        self.patient = patient
        self.history = history
        self.isNew = isNew
    }
}

/// The answer to an effect.
public enum EffectResult: Equatable, Sendable {
    /// The day's sessions and its anchor (short form; nil without sessions).
    /// `anchorMismatches`: standing findings that the day's journals no longer match the anchor
    /// recorded before a repair rebuilt its index (issue 14).
    case dayLoaded(ClinicDay, [SessionSummary], anchor: String?, anchorMismatches: [AnchorMismatch] = [])
    /// `damage`: what the store knows of damage in the patient journal (issue 14).
    case patientsFound(query: String, [Patient], damage: RecordDamage? = nil)
    case patientSaved(Patient)
    case sessionOpened(OpenedSession)
    /// The events are on disk; `state` is the session as the store now has it.
    case stored(events: [SessionEvent], state: SessionState, indexWarning: String?)
    case historyLoaded(patientID: String, patient: Patient?, sessions: [SessionSummary])
    case dueListLoaded(day: ClinicDay, scope: DueList.Scope, [DueEntry])
    /// The latest earlier screening of the patient (nil day: there is none).
    case lastScreeningLoaded(sessionID: String, day: ClinicDay?, answers: [ScreeningAnswer])
    case themeSaved(name: String, path: String)
    case aftercareSaved(path: String)
    /// The replica's state in a few words ("replica: up to date").
    case replicaStatus(String)
    /// `note` says what differed from the plan (the text sheet went out because there is no typesetter).
    case printed(PrintJob, note: String?)
    case lotsLoaded(LotRegister, damage: RecordDamage? = nil)
    case lotRecorded(LotRegister, events: [LotEvent], damage: RecordDamage? = nil)
    case recallLoaded(lot: String, entries: [RecallEntry])
    case failed(Failure)
}

/// An effect that did not happen, and what the console should know about it.
public struct Failure: Equatable, Sendable {
    public enum Operation: Equatable, Sendable {
        case loadDay, search, savePatient, beginSession, openSession, append, loadHistory, saveTheme, loadLastScreening
        case saveAftercare, print
        case loadLots, recordLot, recall
    }

    public var operation: Operation
    public var message: String
    /// After a failed append the store may have read the session back from disk: this is exactly
    /// what is on disk, shown instead of anything only in memory. Nil when the session was let go.
    public var sessionOnDisk: SessionState?
    /// The failure was a refusal of the store's (a locked session, a patient problem), not a disk error.
    public var isRefusal: Bool

    public init(_ operation: Operation, _ message: String, sessionOnDisk: SessionState? = nil, isRefusal: Bool = false)
    {
        self.operation = operation
        self.message = message
        self.sessionOnDisk = sessionOnDisk
        self.isRefusal = isRefusal
    }
}
