import Foundation

/// What the decider needs besides the session: the protocol, the clinic's staff,
/// the patient's earlier sessions, who is at the keyboard, and the clinic's time zone.
public struct DecisionContext: Sendable {
    public var protocolSettings: ClinicProtocol
    public var history: [SessionRef]
    public var actor: String
    /// The clinic's zone: every rule in days ("2 weeks after", the interval) counts the clinic's calendar
    /// days in it, not UTC's. Passed in as data (the config's `clinic.time_zone`, else the machine's zone);
    /// the core never reads it itself.
    public var timeZone: TimeZone

    public init(protocolSettings: ClinicProtocol, history: [SessionRef] = [], actor: String, timeZone: TimeZone) {
        self.protocolSettings = protocolSettings
        self.history = history
        self.actor = actor
        self.timeZone = timeZone
    }
}

/// The procedure's rules: validates a command against the session and the protocol and
/// returns the events to record, warnings included, or refuses with a `Refusal`.
public enum Decider {
    // Long by design: one flat case per command that is not clinical, each a few guards and its events.
    public static func decide(
        _ command: SessionCommand, state: SessionState, context: DecisionContext, now rawNow: Date
    ) throws(Refusal) -> [SessionEvent] {
        let now = Timestamp.truncated(rawNow)
        let proto = context.protocolSettings
        let today = ClinicDay(now, timeZone: context.timeZone)
        var kinds: [EventKind] = []
        var by = context.actor

        func warn(_ code: String, _ message: String) { kinds.append(.warning(code: code, message: message)) }

        // A late entry's steps carry the times typed for them: one timed before the last recorded step
        // would put, say, needling before the cream came off, and no rule would see it.
        if state.isLateEntry, !state.isClosed, let last = state.events.map(\.at).max(), now < last {
            throw .stepBeforeLastStep(Clock.hhmm(last, timeZone: context.timeZone))
        }

        // A journal whose end is unreadable may already hold a completion or a void: nothing is recorded
        // until someone confirms going on, and that confirmation is itself recorded (issue 14).
        switch command {
        case .continueAfterUnreadableEnd:
            guard state.endUnreadable, let after = state.endUnreadableAfterSeq else { throw .endReadable }
            return [
                SessionEvent(
                    seq: state.lastSeq + 1, at: now, by: context.actor,
                    kind: .continuedAfterUnreadableEnd(afterSeq: after))
            ]
        default: if state.endUnreadable { throw .endUnreadable }
        }

        // A session imported from paper records is history: its aftercare was handed out on paper at the time.
        switch command {
        case .recordAftercare, .reissueAftercare: if state.isPaperRecord { throw .paperHistory }
        default: break
        }

        switch command {
        case .start(let patient, let technician, let room, let zones):
            guard state.status == .notStarted else { throw .alreadyStarted }
            try require(technician, "The technician")
            try require(room, "The room")
            guard !zones.isEmpty else { throw .missingField("At least one planned zone") }
            for z in zones where proto.zone(z) == nil { throw .unknownZone(z) }
            kinds.append(
                .started(
                    patientID: patient.id, patientName: patient.name, technician: technician, room: room,
                    plannedZones: zones))
            by = technician
            // Only sessions before this one count: a late entry may be charted after later sessions.
            if let last = context.history.filter({
                $0.status == .completed && $0.sessionID != state.id && $0.startedAt < now
            }).map(
                \.startedAt
            ).max() {
                // Calendar days in the clinic's zone: 09:00 on the 1st to 08:00 on the 29th is 28 days.
                let days = today.days(since: ClinicDay(last, timeZone: context.timeZone))
                if days < proto.minimumIntervalDays {
                    warn(
                        "interval",
                        "Last session was \(days) day\(days == 1 ? "" : "s") ago; the protocol asks for at least \(proto.minimumIntervalDays)."
                    )
                }
            }

        case .note(let text):
            guard state.status != .notStarted else { throw .notStarted }
            try require(text, "The note")
            // A closed record changes only by amendment: a note written afterwards is one.
            kinds.append(state.isClosed ? .amended(text: text, refersTo: nil) : .note(text: text))

        case .amend(let text, let refersTo):
            guard state.isClosed else { throw .notCompleted }
            try require(text, "The amendment")
            if let seq = refersTo, state.event(seq: seq) == nil { throw .unknownEvent(seq) }
            kinds.append(.amended(text: text, refersTo: refersTo))

        case .reissueAftercare(let delivery):
            guard state.status != .notStarted else { throw .notStarted }
            guard state.aftercare != nil else { throw .aftercareNotGivenYet }
            switch delivery {
            case .printed, .saved: kinds.append(.aftercareReissued(delivery: delivery))
            case .handedPrePrinted, .declined:
                throw .invalidValue("A reprint is printed or saved; record a note for anything else.")
            }

        case .adverseEvent(let text):
            try requireOpen(state)
            try require(text, "A description of the adverse event")
            kinds.append(.adverseEvent(description: text))

        case .abort(let reason):
            try requireOpen(state)
            try require(reason, "A reason for aborting")
            kinds.append(.aborted(reason: reason))

        case .pause:
            try requireOpen(state)
            guard state.pausedAt == nil else { throw .invalidValue("The session is already paused.") }
            kinds.append(.paused)

        case .resume:
            try requireOpen(state)
            guard state.pausedAt != nil else { throw .notPaused }
            kinds.append(.resumed)

        case .recordScreening(let answers):
            try requireActive(state)
            guard state.answers == nil else { throw .screeningAlreadyRecorded }
            for a in answers where !proto.contraindications.contains(where: { $0.id == a.item }) {
                throw .invalidValue("\(Visible.text(a.item)) is not on the screening checklist.")
            }
            for a in answers {
                if let d = a.lastDate, d > today {
                    throw .invalidValue("\(Visible.text(a.item)): \(d) is after today; give when it last happened.")
                }
            }
            kinds.append(.screeningRecorded(answers: answers))
            for item in Screening.present(answers, in: proto, today: today) {
                // The date the rule was decided from is part of the warning, so the record says why.
                let when =
                    answers.first { $0.item == item.id }?.lastDate.map {
                        " (last: \(ScreeningWhen.describe($0, today: today)))"
                    } ?? ""
                if item.severity == .block {
                    warn(
                        "screening.\(item.id)",
                        "Screening blocks treatment: \(item.label)\(when). A provider override is needed.")
                } else {
                    warn("screening.\(item.id)", "Screening: \(item.label)\(when).")
                }
            }

        case .recordConsent(let signedBy):
            try requireActive(state)
            guard state.screeningDone else { throw .screeningFirst }
            try require(signedBy, "Who signed the consent")
            kinds.append(.consentRecorded(signedBy: signedBy))

        case .override(let provider, let reason):
            try requireActive(state)
            guard state.screeningDone else { throw .screeningFirst }
            let blocking = state.blockingItems(in: proto, today: today)
            guard !blocking.isEmpty else { throw .nothingToOverride }
            try require(provider, "The provider's name")
            try require(reason, "A reason for the override")
            kinds.append(.overridden(provider: provider, reason: reason, items: blocking.map(\.id)))
            by = provider

        case .void(let seq, let reason):
            try requireActive(state)
            guard let target = state.event(seq: seq) else { throw .unknownEvent(seq) }
            guard state.voided[seq] == nil else { throw .cannotVoid("Event #\(seq) is already voided.") }
            guard target.kind.isVoidable else {
                throw .cannotVoid("Event #\(seq) cannot be voided; add a note instead.")
            }
            try require(reason, "A reason for the void")
            kinds.append(.voided(seq: seq, reason: reason))

        default:
            try requireClinical(state, proto: proto, today: today)
            try decideClinical(command, state: state, proto: proto, now: now, kinds: &kinds)
        }

        return kinds.enumerated().map { offset, kind in
            SessionEvent(seq: state.lastSeq + 1 + offset, at: now, by: by, kind: kind)
        }
    }

    // Long by design: one flat case per clinical command, its guards beside its events, read top to bottom.
    private static func decideClinical(
        _ command: SessionCommand, state: SessionState, proto: ClinicProtocol, now: Date, kinds: inout [EventKind]
    ) throws(Refusal) {
        func warn(_ code: String, _ message: String) { kinds.append(.warning(code: code, message: message)) }

        switch command {
        case .drawBlood(let volume, let tubes, let lot):
            guard (1...120).contains(volume) else { throw .invalidValue("Blood volume must be 1 to 120 mL.") }
            guard (1...12).contains(tubes) else { throw .invalidValue("Tubes must be 1 to 12.") }
            try require(lot, "The tube lot")
            kinds.append(.bloodDrawn(volumeML: volume, tubes: tubes, lot: lot))

        case .startCentrifuge(let program):
            guard state.blood != nil else { throw .bloodNotDrawn }
            guard state.centrifugeStartedAt == nil || state.centrifugeDone else { throw .centrifugeAlreadyRunning }
            let range = program.unit == .g ? 100...5000 : 500...6000
            guard range.contains(program.value) else {
                throw .invalidValue(
                    "Centrifuge \(program.unit == .g ? "g-force" : "RPM") must be \(range.lowerBound) to \(range.upperBound)."
                )
            }
            guard (1...60).contains(program.minutes) else {
                throw .invalidValue("Centrifuge time must be 1 to 60 minutes.")
            }
            kinds.append(.centrifugeStarted(program: program))

        case .stopCentrifuge:
            guard state.centrifugeStartedAt != nil, !state.centrifugeDone else { throw .centrifugeNotRunning }
            kinds.append(.centrifugeStopped)
            if proto.warnShortSpin, let short = state.spinShortfall(now: now) {
                warn(
                    "centrifuge.short",
                    "The centrifuge was stopped after \(Clock.mmss(short.ranSeconds)) of its"
                        + " \(Clock.mmss(short.programSeconds)) program: the spin was short.")
            }

        case .preparePRP(let volume):
            guard state.prp == nil else { throw .prpAlreadyAvailable }
            guard state.blood != nil else { throw .bloodNotDrawn }
            guard state.centrifugeStartedAt != nil else { throw .centrifugeNotStarted }
            guard state.centrifugeDone else { throw .centrifugeStillRunning }
            guard volume > 0, volume <= 60 else {
                throw .invalidValue("PRP volume must be more than 0 and at most 60 mL.")
            }
            kinds.append(.prpPrepared(volumeML: volume))

        case .openGrowthFactors(let product, let lot):
            guard state.prp == nil else { throw .prpAlreadyAvailable }
            try require(product, "The product name")
            try require(lot, "The product lot")
            kinds.append(.growthFactorsOpened(product: product, lot: lot))

        case .applyNumbing(let agent, let lot, let zones, let target):
            guard state.numbing == nil, state.numbingSkipReason == nil else { throw .numbingAlreadyDecided }
            try require(agent, "The numbing agent")
            try require(lot, "The numbing lot")
            guard !zones.isEmpty else { throw .missingField("At least one zone for the numbing") }
            for z in zones where proto.zone(z) == nil { throw .unknownZone(z) }
            guard (1...180).contains(target) else { throw .invalidValue("Dwell target must be 1 to 180 minutes.") }
            kinds.append(.numbingApplied(agent: agent, lot: lot, zones: zones, dwellTargetMinutes: target))

        case .removeNumbing:
            guard let numbing = state.numbing else { throw .numbingNotApplied }
            guard numbing.removedAt == nil else { throw .invalidValue("The numbing is already removed.") }
            let dwell = Int(now.timeIntervalSince(numbing.appliedAt))
            kinds.append(.numbingRemoved(dwellSeconds: dwell))
            if dwell > proto.numbingDwellMaxMinutes * 60 {
                warn(
                    "numbing.dwell",
                    "Numbing stayed on \(dwell / 60) min, past the \(proto.numbingDwellMaxMinutes) min maximum.")
            }

        case .skipNumbing(let reason):
            guard state.numbing == nil, state.numbingSkipReason == nil else { throw .numbingAlreadyDecided }
            try require(reason, "A reason for skipping numbing")
            kinds.append(.numbingSkipped(reason: reason))

        case .cleanseSkin:
            if state.numbing != nil && state.numbing?.removedAt == nil { throw .numbingStillOn }
            kinds.append(.skinCleansed)

        case .logPass(let pass, let confirm):
            guard state.numbingCleared else { throw .numbingStillOn }
            guard state.cleansedAt != nil else { throw .skinNotCleansed }
            guard let zone = proto.zone(pass.zone) else { throw .unknownZone(pass.zone) }
            guard (1...20).contains(pass.count) else { throw .invalidValue("Pass count must be 1 to 20.") }
            let above = try checkDepth(pass.depth, zone: zone, proto: proto, confirm: confirm)
            kinds.append(.passLogged(pass: pass, aboveProtocolConfirmed: above))
            if above {
                warn(
                    "depth.above-protocol",
                    "\(zone.name): \(Depth.text(pass.depth)) is above the protocol maximum of \(Depth.text(zone.maxDepth)) (confirmed)."
                )
            }
            if let start = state.start, !start.plannedZones.contains(pass.zone) {
                warn("zone.unplanned", "\(zone.name) was not among the planned zones.")
            }
            // A pen set deeper than the cartridge's needles reach does not reach the depth recorded.
            if let cartridge = state.cartridge, Depth.exceeds(pass.depth, cartridge.needleLengthMM) {
                warn(
                    "depth.beyond-needle",
                    "\(zone.name): \(Depth.text(pass.depth)) is deeper than the cartridge's "
                        + "\(Depth.text(cartridge.needleLengthMM)) needles reach; check the cartridge.")
            }

        case .changeDepth(let zoneID, let depth, let confirm):
            guard let zone = proto.zone(zoneID) else { throw .unknownZone(zoneID) }
            let from = state.depth(for: zoneID, proto: proto)
            guard depth > 0, depth.isFinite else { throw .invalidValue("Depth must be more than 0 mm.") }
            guard Depth.onStep(depth, step: proto.depthStep) else {
                throw .depthOffStep(depth: depth, step: proto.depthStep)
            }
            guard !Depth.same(depth, from) else { throw .depthUnchanged(zone: zone.name, depth: depth) }
            // Only crossing above the protocol maximum asks: a change that starts above it was
            // confirmed on the way up, and going shallower never needs a yes.
            let crossing = !Depth.exceeds(from, zone.maxDepth)
            let above = try checkDepth(depth, zone: zone, proto: proto, confirm: confirm || !crossing)
            // The record says "confirmed" only when a question was asked and answered yes: a change that
            // starts above the maximum asked nothing, and its line says it is still above instead.
            kinds.append(
                .depthChanged(zone: zoneID, from: from, to: depth, aboveProtocolConfirmed: above && crossing))

        case .applyPRP(let zone, let volume, let method):
            guard let prp = state.prp else { throw .prpNotReady }
            if let zone, proto.zone(zone) == nil { throw .unknownZone(zone) }
            guard volume > 0, volume <= 60 else {
                throw .invalidValue("Applied volume must be more than 0 and at most 60 mL.")
            }
            kinds.append(.prpApplied(zone: zone, volumeML: volume, method: method))
            let ageMinutes = Int(now.timeIntervalSince(prp.readyAt) / 60)
            if ageMinutes > proto.prpAgeLimitMinutes {
                warn("prp.age", "PRP is \(ageMinutes) min old, past the \(proto.prpAgeLimitMinutes) min limit.")
            }
            if case .autologous(let prepared) = prp.kind, state.totalPRPAppliedML + volume > prepared + 0.0001 {
                warn(
                    "prp.volume",
                    String(
                        format: "%.1f mL applied in all, more than the %.1f mL prepared.",
                        state.totalPRPAppliedML + volume, prepared))
            }

        case .applyPostCare(let product, let lot):
            try require(product, "The product name")
            try require(lot, "The product lot")
            kinds.append(.postCareApplied(product: product, lot: lot))

        case .recordNeedleCartridge(let cartridge):
            try require(cartridge.lot, "The cartridge lot")
            try require(cartridge.configuration, "The needle configuration")
            guard cartridge.needleLengthMM > 0, !Depth.exceeds(cartridge.needleLengthMM, proto.deviceMaxDepth) else {
                throw .invalidValue(
                    "The needle length is more than 0 and at most the device's \(Depth.text(proto.deviceMaxDepth)).")
            }
            if let rate = cartridge.puncturesPerSecond, rate <= 0 {
                throw .invalidValue("Punctures per second is a whole number above 0, or left empty.")
            }
            kinds.append(.needleCartridgeRecorded(cartridge: cartridge))

        case .overrideLot(let lot, let problem, let reason):
            try require(lot, "The lot number")
            try require(reason, "A reason for using this lot")
            kinds.append(.lotOverridden(lot: lot, problem: problem, reason: reason))

        case .recordAftercare(let delivery):
            guard state.aftercare == nil else { throw .aftercareAlreadyGiven }
            guard !state.passes.isEmpty else { throw .noPassYet }
            if case .declined(let reason) = delivery { try require(reason, "A reason the patient declined") }
            kinds.append(.aftercareGiven(delivery: delivery))

        case .complete, .completeWithReasons:
            guard !state.passes.isEmpty else { throw .noPassYet }
            guard state.aftercare != nil else { throw .aftercareMissing }
            let reasons: [CompletionGap: String] = if case .completeWithReasons(let r) = command { r } else { [:] }
            let gaps = state.completionGaps(proto)
            let unexplained = gaps.filter {
                (reasons[$0] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            }
            guard unexplained.isEmpty else { throw .completionNeedsReason(unexplained) }
            for gap in gaps { warn("completion.\(gap.rawValue)", "\(gap.label); completed because: \(reasons[gap]!).") }
            kinds.append(.completed)

        default:
            preconditionFailure("non-clinical command routed to decideClinical: \(command)")
        }
    }

    /// Refuses beyond the device; beyond the zone's protocol maximum only with confirmation.
    /// Returns whether the depth is above the protocol maximum.
    private static func checkDepth(_ depth: Double, zone: ZoneSetting, proto: ClinicProtocol, confirm: Bool)
        throws(Refusal) -> Bool
    {
        guard depth > 0, depth.isFinite else { throw .invalidValue("Depth must be more than 0 mm.") }
        if Depth.exceeds(depth, proto.deviceMaxDepth) {
            throw .depthAboveDevice(depth: depth, max: proto.deviceMaxDepth)
        }
        if Depth.exceeds(depth, zone.maxDepth) {
            guard confirm else { throw .depthAboveProtocol(zone: zone.name, depth: depth, max: zone.maxDepth) }
            return true
        }
        return false
    }

    private static func require(_ text: String, _ what: String) throws(Refusal) {
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw .missingField(what) }
    }

    private static func requireOpen(_ state: SessionState) throws(Refusal) {
        if state.status == .notStarted { throw .notStarted }
        if state.isClosed { throw .sessionClosed }
    }

    private static func requireActive(_ state: SessionState) throws(Refusal) {
        try requireOpen(state)
        if state.pausedAt != nil { throw .sessionPaused }
    }

    private static func requireClinical(_ state: SessionState, proto: ClinicProtocol, today: ClinicDay)
        throws(Refusal)
    {
        try requireActive(state)
        guard state.screeningDone else { throw .screeningFirst }
        guard state.consentBy != nil else { throw .consentFirst }
        let blocking = state.blockingItems(in: proto, today: today)
        if !blocking.isEmpty { throw .blockedByScreening(blocking.map(\.label)) }
    }
}
