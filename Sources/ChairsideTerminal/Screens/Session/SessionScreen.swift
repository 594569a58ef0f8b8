import ChairsideCore
import ChairsidePrinting
import Foundation

/// The session console: panels per track, the timeline, the live timers.
public struct SessionScreen: Sendable {
    public var state: SessionState
    public var panel: Track
    public var patient: Patient?
    public var history: [SessionRef]
    public var screeningCursor = 0
    public var draftAnswers: [String: Bool] = [:]
    /// When each time-bound item marked yes last happened, as the technician gave it (shown before saving).
    public var draftDates: [String: ClinicDay] = [:]
    /// The patient's last screening, offered for the technician to go through, never copied unasked.
    public var lastScreening: LastScreening?
    /// The draft was filled from the last screening: saving says so, so nobody saves it unread.
    public var draftFromLast = false
    public var zoneCursor = 0
    /// Lines scrolled back from the newest timeline entry.
    public var timelineBack = 0
    /// The numbing application whose target already rang, so the alert fires once.
    public var numbingAlerted = false
    /// A late entry's clock: the real time the next step happened (W changes it). Nil for a session
    /// charted live, which runs on the wall clock.
    public var stepTime: Date?
    /// The full-screen timeline (session detail) instead of the panels; closed sessions open here.
    public var detail = false
    /// Lines scrolled back from the newest entry of the detail timeline.
    public var detailBack = 0
    /// What the append under way stands for, so its answer is reported in the right words.
    var pendingRecord: PendingRecord?
    /// The clinic's protocol, for the key table (which screening items take a date).
    var proto: ClinicProtocol

    init(_ opened: OpenedSession, proto: ClinicProtocol, now: Date) {
        self.proto = proto
        state = opened.state
        panel = opened.state.currentStep()
        patient = opened.patient
        history = opened.history.filter { $0.sessionID != opened.state.id }
        detail = opened.state.isClosed || opened.state.endUnreadable
        // An alert that would have rung before a restart is not rung again.
        if let n = state.numbing, let dwell = state.numbingDwellSeconds(now: now), dwell >= n.dwellTargetMinutes * 60 {
            numbingAlerted = true
        }
    }

    var technician: String { state.start?.technician ?? "" }

    func context(_ m: AppModel) -> DecisionContext {
        DecisionContext(
            protocolSettings: m.proto, history: history,
            actor: state.start?.technician ?? m.config.technicians.first ?? "technician", timeZone: m.timeZone)
    }

    /// Planned zones first, then the rest, as the needling panel lists them.
    public static func needlingZones(_ st: SessionState, proto: ClinicProtocol) -> [ZoneSetting] {
        let planned = st.start?.plannedZones ?? []
        return planned.compactMap(proto.zone) + proto.zones.filter { !planned.contains($0.id) }
    }
}

/// A screening from an earlier visit of the same patient.
public struct LastScreening: Equatable, Sendable {
    public var day: ClinicDay
    public var answers: [ScreeningAnswer]
}

/// What an append stands for.
enum PendingRecord: Equatable, Sendable {
    case entry
    case printed(PrintJob, note: String?)
    case saved(path: String)
}

/// Deciding and recording: the decider runs here (pure); the append is an effect, and the model
/// shows the events only once the store says they are on disk.
enum Recording {
    static func record(
        _ command: SessionCommand, _ m: inout AppModel, now: Date,
        as pending: PendingRecord = .entry
    ) -> [Effect] {
        do {
            return try recordOrThrow(command, &m, now: now, as: pending)
        } catch {
            m.say(refusalText(error), .warning)
            return []
        }
    }

    static func recordOrThrow(
        _ command: SessionCommand, _ m: inout AppModel, now: Date,
        as pending: PendingRecord = .entry
    ) throws(Refusal) -> [Effect] {
        guard let s = m.session else { return [] }
        let events = try Decider.decide(command, state: s.state, context: s.context(m), now: now)
        m.session?.pendingRecord = pending
        return [.append(sessionID: s.state.id, events: events)]
    }

    /// The core's words, and the key that clears it on this console.
    static func refusalText(_ refusal: Refusal) -> String {
        guard let remedy = refusal.remedy else { return refusal.description }
        return refusal.description + " [" + keyHint(remedy) + "]"
    }

    static func keyHint(_ remedy: Remedy) -> String {
        switch remedy {
        case .recordScreening: "panel 1, s"
        case .recordConsent: "panel 1, c"
        case .providerOverride: "panel 1, o"
        case .resume: "p"
        case .drawBlood: "panel 2, b"
        case .startCentrifuge: "panel 2, g"
        case .stopCentrifuge: "panel 2, x"
        case .preparePRP: "panel 2, r or f"
        case .removeNumbing: "panel 3, r"
        case .cleanseSkin: "panel 3, l"
        case .logPass: "panel 4, Enter"
        case .recordAftercare: "panel 7"
        case .voidEvent: "u"
        }
    }

    /// The store has the events: show what is on disk and say what was recorded.
    static func stored(_ events: [SessionEvent], state: SessionState, indexWarning: String?, _ m: inout AppModel) {
        guard var s = m.session, s.state.id == state.id else { return }
        let pending = s.pendingRecord ?? .entry
        s.pendingRecord = nil
        s.state = state
        s.timelineBack = 0
        if events.contains(where: { if case .numbingApplied = $0.kind { true } else { false } }) {
            s.numbingAlerted = false
        }
        if events.contains(where: { if case .voided = $0.kind { true } else { false } }) {
            s.draftAnswers = [:]
            s.draftDates = [:]
            s.draftFromLast = false
        }
        m.session = s
        if case .form = m.overlay { m.overlay = nil }
        let warnings = events.compactMap { e -> String? in if case .warning(_, let text) = e.kind { text } else { nil }
        }
        // A sheet that went out is done with: its preview closes, as a recorded form does.
        if case .sheet = m.overlay, pending != .entry { m.overlay = nil }
        switch pending {
        case .printed(let job, let note):
            let printed = "Printed on \(Visible.text(job.printer)) (job \(Visible.text(job.jobID)))"
            if let note {
                m.say(printed + " \(note); recorded.", .warning)
            } else {
                m.say(printed + " and recorded.", .ok)
            }
        case .saved(let path):
            m.say("Saved to \(Visible.text(path)) and recorded.", .ok)
        case .entry:
            if let first = warnings.first {
                m.say(first, .warning)
            } else if let first = events.first {
                m.say("Recorded: " + Visible.text(EventDescription.line(first.kind, proto: m.proto)), .ok)
            }
        }
        if let indexWarning { m.say(indexWarning, .warning) }
    }

    /// Nothing was recorded. The form stays open with what was typed, or the status line says why.
    static func failed(_ failure: Failure, _ m: inout AppModel) {
        let pending = m.session?.pendingRecord
        m.session?.pendingRecord = nil
        if let onDisk = failure.sessionOnDisk, m.session?.state.id == onDisk.id { m.session?.state = onDisk }
        if case .printed(let job, _)? = pending {
            m.say(
                "Printed as job \(Visible.text(job.jobID)), but it could not be recorded: \(failure.message) "
                    + "Take the sheet from the printer and record it again.", .danger)
            return
        }
        if case .form(var form) = m.overlay {
            form.saving = false
            form.error = failure.message
            m.overlay = .form(form)
            return
        }
        m.say(failure.message, failure.isRefusal ? .warning : .danger)
    }
}
