import Foundation

public enum SessionStatus: String, Codable, Equatable, Sendable {
    case notStarted = "not-started"
    case inProgress = "in-progress"
    case completed
    case aborted
}

/// The tracks of a session that run side by side; the console shows one panel per track.
public enum Track: Int, CaseIterable, Sendable {
    case screening = 1
    case prp, numbing, needling, prpApplied, postCare, aftercare

    public var title: String {
        switch self {
        case .screening: "Screening"
        case .prp: "PRP"
        case .numbing: "Numbing"
        case .needling: "Needling"
        case .prpApplied: "PRP applied"
        case .postCare: "Post-care"
        case .aftercare: "Aftercare"
        }
    }
}

public struct StartInfo: Equatable, Sendable {
    public var patientID: String
    public var patientName: String
    public var technician: String
    public var room: String
    public var plannedZones: [String]
    public var at: Date
}

public struct NumbingRecord: Equatable, Sendable {
    public var agent: String
    public var lot: String
    public var zones: [String]
    public var dwellTargetMinutes: Int
    public var appliedAt: Date
    public var removedAt: Date?
}

public struct PRPSource: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case autologous(volumeML: Double)
        case growthFactors(product: String, lot: String)
    }
    public var kind: Kind
    public var readyAt: Date
}

public struct BloodDraw: Equatable, Sendable {
    public var volumeML: Double
    public var tubes: Int
    public var lot: String
}

public struct PostCareRecord: Equatable, Sendable {
    public var product: String
    public var lot: String
    public var at: Date
}

public struct LoggedPass: Equatable, Sendable {
    public var seq: Int
    public var at: Date
    public var pass: Pass
}

public struct PRPApplication: Equatable, Sendable {
    public var zone: String?
    public var volumeML: Double
    public var method: PRPMethod
    public var at: Date
}

/// The fold of a session's events. Only `evolve` changes it.
public struct SessionState: Equatable, Sendable {
    public var id: String
    /// Every event ever accepted, voided ones included, in order.
    public private(set) var events: [SessionEvent] = []
    /// The needle cartridge recorded for the session (issue 17), if any.
    public private(set) var cartridge: NeedleCartridge?
    /// seq of each voided event -> the reason given.
    public private(set) var voided: [Int: String] = [:]

    public var start: StartInfo?
    public var status: SessionStatus = .notStarted
    public var pausedAt: Date?
    public var answers: [ScreeningAnswer]?
    public var consentBy: String?
    public var overrideBy: String?
    public var blood: BloodDraw?
    public var centrifugeStartedAt: Date?
    public var centrifugeProgram: CentrifugeProgram?
    public var centrifugeDone = false
    public var prp: PRPSource?
    public var numbing: NumbingRecord?
    public var numbingSkipReason: String?
    public var cleansedAt: Date?
    public var currentDepth: [String: Double] = [:]
    public var passes: [LoggedPass] = []
    public var prpApplications: [PRPApplication] = []
    public var postCare: [PostCareRecord] = []
    public var aftercare: AftercareDelivery?
    public var warnings: [String] = []
    public var adverseEvents: [String] = []
    public var endedAt: Date?
    public var abortReason: String?
    /// Zones and depths of a session imported from paper records (it has no passes).
    public var paperZones: [PaperZone] = []

    /// Lines of the journal that could not be read: the events around them are replayed, and new
    /// events continue after the highest number, read or not.
    public var unreadable: [UnreadableLine] = []
    /// Set by the store when the journal's end is unknown (its last line is damaged, lines are missing
    /// from its end, or a damaged tail was cut): the last event read is this one, and anything after
    /// it (a completion, a void) may have been recorded. Nil when the journal reads to its end.
    public var endUnreadableAfterSeq: Int?
    /// The status the day index recorded for the lines now unreadable (completed, aborted), when it
    /// covers them: said as "per the day index", never taken as the status.
    public var endStatusPerIndex: SessionStatus?
    /// Sequence numbers of events before which the journal's hash chain breaks: a line before each
    /// was edited, deleted or reordered (issue 14).
    public var chainBreaks: [Int] = []
    /// The highest event number the day index had recorded, when lines are missing from the journal's
    /// end: new events are numbered after it, so no number of a lost event is ever used again.
    public var lastSeqPerIndex: Int?

    public init(id: String) { self.id = id }

    /// The journal's end is unknown and nobody has confirmed going on after it: the session is never
    /// taken as open (or paused), and nothing is recorded until `continuedAfterUnreadableEnd`.
    public var endUnreadable: Bool {
        guard let after = endUnreadableAfterSeq else { return false }
        return !events.contains { e in
            if case .continuedAfterUnreadableEnd = e.kind { e.seq > after } else { false }
        }
    }

    /// "last event unreadable — it may have been completed or voided; see the original in …".
    public var endUnreadableText: String? {
        guard endUnreadable else { return nil }
        let place = unreadable.last(where: \.openEnded).map { "line \($0.line) of \($0.keptIn)" }
        let per = endStatusPerIndex.map { "\($0.rawValue) (per the day index; the line is unreadable)" }
        return "last event unreadable — " + (per ?? "status unknown: it may have been completed or voided")
            + (place.map { "; see the original in \($0)" }
                ?? "; lines are missing from the journal's end (`chairside check` names them and any copy kept)")
    }

    public var lastSeq: Int {
        max(
            events.last?.seq ?? 0, unreadable.map { max($0.firstSeq - 1, $0.lastSeq) }.max() ?? 0,
            lastSeqPerIndex ?? 0)
    }
    public var isOpen: Bool { status == .inProgress && !endUnreadable }
    public var isClosed: Bool { status == .completed || status == .aborted }

    /// What an undo may void now, newest first.
    public var voidableEvents: [SessionEvent] {
        events.reversed().filter { voided[$0.seq] == nil && $0.kind.isVoidable }
    }

    /// A note written now: a plain note while the session is open, an amendment once it is closed.
    public var noteLabel: String { isClosed ? "Amendment" : "Note" }

    /// Blocking screening items that are present on the clinic's day `today` and not yet overridden.
    public func blockingItems(in proto: ClinicProtocol, today: ClinicDay) -> [Contraindication] {
        guard overrideBy == nil, let answers else { return [] }
        return Screening.present(answers, in: proto, today: today).filter { $0.severity == .block }
    }

    public var screeningDone: Bool { answers != nil }

    /// A session charted after the fact: its start was written late, so every event of it is.
    public var isLateEntry: Bool { events.first?.isLateEntry ?? false }

    /// A session imported from paper records (`import-history`): history, not a session run here.
    public var isPaperRecord: Bool {
        events.contains { if case .paperRecord = $0.kind { true } else { false } }
    }

    /// The events as they happened: by their real time, then by the order written. The journal
    /// keeps the order of writing; a late entry's steps may be charted in another order.
    public var eventsByRealTime: [SessionEvent] {
        guard isLateEntry else { return events }
        return events.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
    }
    public var numbingCleared: Bool { numbing?.removedAt != nil || numbingSkipReason != nil }

    /// The deepest depth used in any pass, for the aftercare's downtime.
    public var deepestPass: Double? { passes.map(\.pass.depth).max() }

    public func depth(for zone: String, proto: ClinicProtocol) -> Double {
        currentDepth[zone] ?? proto.zone(zone)?.defaultDepth ?? proto.depthStep
    }

    public func event(seq: Int) -> SessionEvent? { events.first { $0.seq == seq } }

    /// The step a technician would expect to work on next; a resumed session opens here.
    public func currentStep() -> Track {
        if answers == nil || consentBy == nil { return .screening }
        if numbing == nil && numbingSkipReason == nil { return .numbing }
        if numbing != nil && numbing?.removedAt == nil { return prp == nil ? .prp : .numbing }
        if cleansedAt == nil { return .numbing }
        // PRP may go on during the passes, so needling lasts until PRP or post-care follows it.
        if passes.isEmpty || (prpApplications.isEmpty && postCare.isEmpty) { return .needling }
        if postCare.isEmpty { return .postCare }
        return .aftercare
    }

    public var statusLabel: String {
        if endUnreadable { return endStatusPerIndex.map { "\($0.rawValue) per the day index" } ?? "end unreadable" }
        return switch status {
        case .notStarted: "new"
        case .inProgress: pausedAt == nil ? "in progress" : "paused"
        case .completed: "completed"
        case .aborted: "aborted"
        }
    }

    // MARK: evolve

    /// Applies an accepted event. Never fails; a void replays the session without the voided event.
    public func evolve(_ event: SessionEvent) -> SessionState {
        var next = self
        next.record(event)
        return next
    }

    /// `evolve` in place. Replaying a journal with `state = state.evolve(e)` copies the whole event
    /// list at every line (the old value still holds it): quadratic in the session's length.
    public mutating func record(_ event: SessionEvent) {
        events.append(event)
        if case .voided(let seq, let reason) = event.kind {
            voided[seq] = reason
            self = replayed()
            return
        }
        apply(event)
    }

    public static func fold(id: String, _ events: [SessionEvent]) -> SessionState {
        var state = SessionState(id: id)
        for e in events { state.record(e) }
        return state
    }

    private func replayed() -> SessionState {
        var fresh = SessionState(id: id)
        fresh.events = events
        fresh.voided = voided
        fresh.unreadable = unreadable
        fresh.endUnreadableAfterSeq = endUnreadableAfterSeq
        fresh.endStatusPerIndex = endStatusPerIndex
        fresh.chainBreaks = chainBreaks
        fresh.lastSeqPerIndex = lastSeqPerIndex
        // A warning is recorded right after the step that raised it; voiding the step takes its warnings too.
        var causeVoided = false
        for e in events {
            if case .warning = e.kind {
                if causeVoided { continue }
            } else {
                causeVoided = voided[e.seq] != nil
            }
            if voided[e.seq] == nil { fresh.apply(e) }
        }
        return fresh
    }

    private mutating func apply(_ e: SessionEvent) {
        switch e.kind {
        case .started(let patientID, let patientName, let technician, let room, let zones):
            start = StartInfo(
                patientID: patientID, patientName: patientName, technician: technician, room: room, plannedZones: zones,
                at: e.at)
            status = .inProgress
        case .screeningRecorded(let a): answers = a
        case .consentRecorded(let by): consentBy = by
        case .overridden(let provider, _, _): overrideBy = provider
        case .bloodDrawn(let v, let t, let l): blood = BloodDraw(volumeML: v, tubes: t, lot: l)
        case .centrifugeStarted(let program):
            centrifugeStartedAt = e.at
            centrifugeProgram = program
            centrifugeDone = false
        case .centrifugeStopped: centrifugeDone = true
        case .prpPrepared(let v): prp = PRPSource(kind: .autologous(volumeML: v), readyAt: e.at)
        case .growthFactorsOpened(let product, let lot):
            prp = PRPSource(kind: .growthFactors(product: product, lot: lot), readyAt: e.at)
        case .numbingApplied(let agent, let lot, let zones, let target):
            numbing = NumbingRecord(agent: agent, lot: lot, zones: zones, dwellTargetMinutes: target, appliedAt: e.at)
        case .numbingRemoved: numbing?.removedAt = e.at
        case .numbingSkipped(let reason): numbingSkipReason = reason
        case .skinCleansed: cleansedAt = e.at
        case .passLogged(let pass, _):
            passes.append(LoggedPass(seq: e.seq, at: e.at, pass: pass))
            currentDepth[pass.zone] = pass.depth
        case .depthChanged(let zone, _, let to, _): currentDepth[zone] = to
        case .prpApplied(let zone, let v, let method):
            prpApplications.append(PRPApplication(zone: zone, volumeML: v, method: method, at: e.at))
        case .postCareApplied(let product, let lot):
            postCare.append(PostCareRecord(product: product, lot: lot, at: e.at))
        case .aftercareGiven(let d): aftercare = d
        case .aftercareReissued, .note, .amended: break
        case .paperRecord(let zones, _): paperZones += zones
        case .adverseEvent(let d): adverseEvents.append(d)
        case .paused: pausedAt = e.at
        case .resumed: pausedAt = nil
        case .voided: break
        case .completed:
            status = .completed
            endedAt = e.at
            pausedAt = nil
        case .aborted(let reason):
            status = .aborted
            endedAt = e.at
            abortReason = reason
            pausedAt = nil
        case .warning(_, let message): warnings.append(message)
        case .needleCartridgeRecorded(let c): cartridge = c
        case .lotOverridden, .continuedAfterUnreadableEnd: break
        }
    }

    // MARK: live figures

    public func elapsedSeconds(now: Date) -> Int {
        guard let start else { return 0 }
        // An unreadable end: the clock stops at the last event read, not now.
        let lastRead = endUnreadable ? events.map(\.at).max() : nil
        return max(0, Int((endedAt ?? lastRead ?? now).timeIntervalSince(start.at)) - uncountedSeconds)
    }

    /// The stretches chair time does not count: from the last event read before an unreadable end to
    /// the `continuedAfterUnreadableEnd` that went on after it. What happened in between is unknown
    /// (the session may have ended there), so it is never counted as time in the chair.
    public var uncountedStretches: [(from: Date, to: Date)] {
        var out: [(from: Date, to: Date)] = []
        for e in events {
            guard case .continuedAfterUnreadableEnd(let after) = e.kind else { continue }
            let lastRead = events.filter { $0.seq <= after }.map(\.at).max()
            if let lastRead, e.at > lastRead { out.append((lastRead, e.at)) }
        }
        return out
    }

    /// "chair time ≥ 0:42 (an unreadable stretch of 0:15 is not counted)"; nil without such a stretch.
    public func chairTimeNote(now: Date) -> String? {
        guard !uncountedStretches.isEmpty else { return nil }
        return "chair time ≥ \(Clock.hmm(elapsedSeconds(now: now))) (an unreadable stretch of "
            + "\(Clock.hmm(uncountedSeconds)) is not counted)"
    }

    /// Seconds of `uncountedStretches`; 0 when the record has none.
    public var uncountedSeconds: Int {
        uncountedStretches.reduce(0) { $0 + Int($1.to.timeIntervalSince($1.from)) }
    }

    /// Seconds the numbing has been on (or was on, once removed).
    public func numbingDwellSeconds(now: Date) -> Int? {
        guard let numbing else { return nil }
        return Int((numbing.removedAt ?? now).timeIntervalSince(numbing.appliedAt))
    }

    public func prpAgeSeconds(now: Date) -> Int? {
        guard let prp else { return nil }
        return Int((endedAt ?? now).timeIntervalSince(prp.readyAt))
    }

    public var totalPRPAppliedML: Double { prpApplications.reduce(0) { $0 + $1.volumeML } }

    /// Passes over the skin (each logged entry counts its passes), voided entries excluded.
    public var passTotal: Int { passes.reduce(0) { $0 + $1.pass.count } }

    /// What completing now would leave out that the protocol wants a reason for.
    public func completionGaps(_ proto: ClinicProtocol) -> [CompletionGap] {
        var gaps: [CompletionGap] = []
        if proto.completionNeedsPRPApplied && prpApplications.isEmpty { gaps.append(.noPRPApplied) }
        if proto.completionNeedsPostCare && postCare.isEmpty { gaps.append(.noPostCare) }
        return gaps
    }

    /// Seconds the centrifuge has run, and whether that is short of its program (nil when not running).
    public func spinShortfall(now: Date) -> (ranSeconds: Int, programSeconds: Int)? {
        guard let started = centrifugeStartedAt, let program = centrifugeProgram, !centrifugeDone else { return nil }
        let ran = Int(now.timeIntervalSince(started))
        return ran < program.minutes * 60 ? (ran, program.minutes * 60) : nil
    }
}

/// Reads screening answers against the protocol's checklist.
public enum Screening {
    /// Checklist items answered "yes" whose time window (if any) still covers `today`, the clinic's calendar day.
    public static func present(_ answers: [ScreeningAnswer], in proto: ClinicProtocol, today: ClinicDay)
        -> [Contraindication]
    {
        proto.contraindications.filter { item in
            guard let a = answers.first(where: { $0.item == item.id }), a.present else { return false }
            guard item.withinDays != nil, let last = a.lastDate else { return true }
            return withinWindow(item, lastDate: last, today: today)
        }
    }
}
