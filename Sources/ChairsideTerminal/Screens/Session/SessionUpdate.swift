import ChairsideCore
import Foundation

extension SessionScreen {
    static func update(_ key: Key, _ m: inout AppModel, now: Date) -> [Effect] {
        guard let s = m.session else { return [] }
        guard let action = keys(s).action(for: key) else {
            if s.state.endUnreadable {
                // The refusal without confirmation: nothing is recorded until K.
                m.say(
                    "\(key.label): read-only, its last event is unreadable. K continues it (recorded), q leaves.",
                    .warning)
            } else if case .char = key {
                let hint = s.detail ? "t goes back to the panels, ? lists the keys" : "press ? for this screen's keys"
                m.say("\(key.label) does nothing here; \(hint).")
            }
            return []
        }
        return update(action, s, &m, now: now)
    }

    // One case per key of the table; each is a line or two, so the switch is long but flat.
    private static func update(_ action: Action, _ s: SessionScreen, _ m: inout AppModel, now: Date) -> [Effect] {
        let st = s.state
        switch action {
        case .leave:
            if m.printing != nil {
                m.say("The sheet is still printing: wait for it before leaving the session.", .warning)
                return []
            }
            if st.isClosed || st.endUnreadable {
                m.status = nil
                return leave(&m)
            }
            m.overlay = .confirm(
                Confirmation(
                    text: "Leave this session? It stays open and can be resumed from Today.",
                    action: .leaveSession))
        case .continueAfterUnreadableEnd: return Recording.record(.continueAfterUnreadableEnd, &m, now: now)
        case .panel(let track): m.session?.panel = track
        case .nextPanel: m.session?.panel = Track(rawValue: s.panel.rawValue % 7 + 1)!
        case .previousPanel: m.session?.panel = Track(rawValue: (s.panel.rawValue + 5) % 7 + 1)!
        case .theme: ThemePicker.open(&m)
        case .help: m.helpOpen = true
        case .timelineOlder: m.session?.timelineBack = min(s.timelineBack + 5, max(0, TimelineRow.count(st) - 1))
        case .timelineNewer: m.session?.timelineBack = max(0, s.timelineBack - 5)
        case .note: openForm(TextEntryForm(st.isClosed ? .amendment : .note), &m)
        case .adverseEvent: openForm(TextEntryForm(.adverseEvent), &m)
        case .undo:
            let voidable = st.voidableEvents
            guard !voidable.isEmpty else {
                m.say("Nothing to undo.")
                return []
            }
            openForm(VoidForm(voidable: voidable, proto: m.proto), &m)
        case .pauseResume: return Recording.record(st.pausedAt == nil ? .pause : .resume, &m, now: now)
        case .abort: openForm(TextEntryForm(.abort), &m)
        case .complete:
            // What the protocol expects and is missing asks for a reason first (a PRP session without PRP).
            let gaps = st.completionGaps(m.proto)
            if !st.isClosed, !st.passes.isEmpty, st.aftercare != nil, !gaps.isEmpty {
                openForm(CompletionForm(gaps: gaps), &m)
                m.say(
                    gaps.map(\.question).joined(separator: " ") + " Give a reason to complete without it, or Esc.",
                    .warning)
                return []
            }
            // What would refuse anyway (no pass yet, no aftercare) is said now, not after a "Complete?" yes.
            if st.isClosed || st.passes.isEmpty || st.aftercare == nil {
                do {
                    _ = try Decider.decide(.complete, state: st, context: s.context(m), now: now)
                } catch {
                    m.say(Recording.refusalText(error), .warning)
                    return []
                }
            }
            m.overlay = .confirm(
                Confirmation(
                    text: "Complete this session? After this, only notes and amendments can be added.",
                    action: .complete))
        case .toggleDetail:
            m.session?.detail.toggle()
            m.session?.detailBack = 0
        case .history: return HistoryScreen.open(patientID: st.start?.patientID ?? "", returnTo: .session, &m)
        case .scrollUp, .scrollDown, .pageUp, .pageDown, .oldest, .newest:
            SessionDetail.scroll(action, s, &m)
        case .sheet, .previewSheet: SheetPreview.open(s, &m)
        case .stepTime:
            guard let at = s.stepTime, let start = st.start?.at else { return [] }
            // Steps are charted in order: none may come before the last one recorded.
            let last = st.events.map(\.at).max() ?? start
            // The time of writing caps it: `lastKeyAt` is the wall clock of this key.
            m.overlay = .form(
                OpenForm(
                    StepTimeForm(current: at, earliest: max(start, last), latest: m.lastKeyAt, timeZone: m.timeZone),
                    focus: 1))
        default: return panel(action, s, &m, now: now)
        }
        return []
    }

    private static func panel(_ action: Action, _ s: SessionScreen, _ m: inout AppModel, now: Date) -> [Effect] {
        let st = s.state
        let proto = m.proto
        switch action {
        case .itemUp: m.session?.screeningCursor = max(0, s.screeningCursor - 1)
        case .itemDown: m.session?.screeningCursor = min(proto.contraindications.count - 1, s.screeningCursor + 1)
        case .toggleAnswer:
            let item = proto.contraindications[s.screeningCursor]
            let yes = !(s.draftAnswers[item.id] ?? false)
            m.session?.draftAnswers[item.id] = yes
            if !yes { m.session?.draftDates[item.id] = nil }
            // A time-bound item asks when at once: the rule decides from the date, not from arithmetic.
            if yes && item.withinDays != nil {
                openForm(
                    ScreeningWhenForm(
                        item: item, current: s.draftDates[item.id], today: ClinicDay(now, timeZone: m.timeZone)), &m)
            }
        case .editWhen:
            let item = proto.contraindications[s.screeningCursor]
            guard item.withinDays != nil else {
                m.say("\(item.label) does not take a date; Space marks it yes or no.")
                return []
            }
            openForm(
                ScreeningWhenForm(
                    item: item, current: s.draftDates[item.id], today: ClinicDay(now, timeZone: m.timeZone)), &m)
        case .useLastScreening:
            guard s.lastScreening != nil else { return [] }
            let marked = s.draftAnswers.values.filter { $0 }.count + s.draftDates.count
            guard marked == 0 else {
                // Answers given today are never dropped without a yes.
                m.overlay = .confirm(
                    Confirmation(
                        text: "Replace the answers marked now with the last visit's? (y/n)",
                        action: .useLastScreening))
                return []
            }
            fillFromLast(&m)
        case .saveScreening:
            let yes = s.draftAnswers.values.filter { $0 }.count
            let from =
                s.draftFromLast ? " They started from the last visit's answers: has the patient confirmed each?" : ""
            m.overlay = .confirm(
                Confirmation(
                    text: "Save the screening with \(yes) item\(yes == 1 ? "" : "s") marked yes?\(from) (y/n)",
                    action: .saveScreening))
        case .consent: openForm(ConsentForm(patientName: st.start?.patientName ?? ""), &m)
        case .override: openForm(OverrideForm(), &m)
        case .bloodDraw: openForm(BloodDrawForm(offered: offered([.bloodTubes, .prpKit], m, now)), &m)
        case .startSpin: openForm(CentrifugeForm(), &m)
        case .stopSpin:
            if proto.warnShortSpin, let short = st.spinShortfall(now: now) {
                m.overlay = .confirm(
                    Confirmation(
                        text:
                            "The spin has run \(Clock.mmss(short.ranSeconds)) of its \(Clock.mmss(short.programSeconds)) program."
                            + " Stop it now? It will be recorded as short. (y/n)", action: .stopSpinEarly))
                return []
            }
            return Recording.record(.stopCentrifuge, &m, now: now)
        case .prpReady: openForm(PRPPreparedForm(), &m)
        case .growthFactors:
            openForm(
                ProductLotForm(
                    purpose: .growthFactors, offered: offered(ProductLotForm.kinds(.growthFactors), m, now),
                    known: m.lotRegister.all),
                &m)
        case .applyNumbing:
            openForm(
                NumbingForm(
                    defaultDwellMinutes: proto.numbingDwellTargetMinutes, offered: offered([.anaesthetic], m, now),
                    known: m.lotRegister.all), &m)
        case .needleCartridge:
            openForm(
                NeedleCartridgeForm(deviceMax: proto.deviceMaxDepth, offered: offered([.needleCartridge], m, now)), &m)
        case .removeNumbing: return Recording.record(.removeNumbing, &m, now: now)
        case .cleanseSkin: return Recording.record(.cleanseSkin, &m, now: now)
        case .skipNumbing: openForm(TextEntryForm(.skipNumbing), &m)
        case .zoneUp: m.session?.zoneCursor = max(0, s.zoneCursor - 1)
        case .zoneDown: m.session?.zoneCursor = min(needlingZones(st, proto: proto).count - 1, s.zoneCursor + 1)
        case .deeper, .shallower:
            let zone = needlingZones(st, proto: proto)[s.zoneCursor]
            let step = action == .shallower ? -proto.depthStep : proto.depthStep
            let target = ((st.depth(for: zone.id, proto: proto) + step) * 1000).rounded() / 1000
            return changeDepth(zone: zone.id, to: target, &m, now: now)
        case .typeDepth:
            let zone = needlingZones(st, proto: proto)[s.zoneCursor]
            openForm(DepthForm(zone: zone, current: st.depth(for: zone.id, proto: proto)), &m)
        case .logPass:
            let zone = needlingZones(st, proto: proto)[s.zoneCursor]
            openForm(PassForm(zone: zone, depth: st.depth(for: zone.id, proto: proto)), &m)
        case .applyPRP: openForm(PRPApplyForm(plannedZones: st.start?.plannedZones ?? [], proto: proto), &m)
        case .postCare:
            openForm(
                ProductLotForm(
                    purpose: .postCare, offered: offered(ProductLotForm.kinds(.postCare), m, now),
                    known: m.lotRegister.all), &m)
        case .handedSheet: return Recording.record(.recordAftercare(.handedPrePrinted), &m, now: now)
        case .declinedSheet: openForm(TextEntryForm(.aftercareDeclined), &m)
        default: break
        }
        return []
    }

    /// The register's open lots of these kinds on the session's day, for a form to offer (issue 17).
    /// A lot a damaged line of the lot journal names is never offered: its status is unknown (issue 14).
    static func offered(_ kinds: [LotKind], _ m: AppModel, _ now: Date) -> [Lot] {
        let inDoubt = m.lotDamage?.flagged ?? []
        return LotPick.offered(kinds, register: m.lotRegister, on: ClinicDay(now, timeZone: m.timeZone)).filter {
            !inDoubt.contains(LotRegister.key($0.number))
        }
    }

    static func openForm(_ content: some FormContent, _ m: inout AppModel) {
        m.overlay = .form(OpenForm(content))
    }

    static func leave(_ m: inout AppModel) -> [Effect] {
        // A session opened from a recall goes back to the recall's list: the next patient to call.
        let toRecall = m.recall.map { $0.openedSession != nil && $0.openedSession == m.session?.state.id } ?? false
        m.session = nil
        m.screen = toRecall ? .recall : .today
        return [.closeSession, TodayScreen.load(m.today)]
    }

    /// A depth change, typed or stepped: asks only when it crosses above the zone's protocol
    /// maximum; shallower, or already above and confirmed, goes straight to the record.
    static func changeDepth(zone zoneID: String, to target: Double, _ m: inout AppModel, now: Date) -> [Effect] {
        guard let s = m.session, let zone = m.proto.zone(zoneID) else { return [] }
        let from = s.state.depth(for: zoneID, proto: m.proto)
        if Depth.exceeds(target, zone.maxDepth) && !Depth.exceeds(from, zone.maxDepth)
            && !Depth.exceeds(target, m.proto.deviceMaxDepth)
        {
            let text =
                "\(zone.name): \(Depth.text(target)) is above the protocol maximum of \(Depth.text(zone.maxDepth)). "
                + "Go deeper anyway? (y/n)"
            m.overlay = .confirm(Confirmation(text: text, action: .depth(zone: zone.id, depth: target)))
            return []
        }
        if case .form(var form) = m.overlay {
            do {
                return try Recording.recordOrThrow(
                    .changeDepth(zone: zoneID, to: target, confirmAboveProtocol: false), &m, now: now)
            } catch {
                form.saving = false
                form.error = Recording.refusalText(error)
                m.overlay = .form(form)
                return []
            }
        }
        return Recording.record(.changeDepth(zone: zoneID, to: target, confirmAboveProtocol: false), &m, now: now)
    }

    /// The technician said when a time-bound item happened: the date shows in the panel before saving.
    static func dated(item: String, day: ClinicDay?, _ m: inout AppModel, now: Date) {
        guard m.session != nil, let c = m.proto.contraindications.first(where: { $0.id == item }) else { return }
        m.session?.draftAnswers[item] = true
        m.session?.draftDates[item] = day
        guard let day else {
            m.say("\(c.label): yes, date unknown; it counts as within \(c.withinDays ?? 0) days.", .warning)
            return
        }
        let today = ClinicDay(now, timeZone: m.timeZone)
        let counts = Screening.withinWindow(c, lastDate: day, today: today)
        let effect =
            counts
            ? (c.severity == .block ? "blocks treatment until a provider overrides" : "a warning will be recorded")
            : "outside \(c.withinDays ?? 0) days: no effect"
        m.say("\(c.label): \(ScreeningWhen.describe(day, today: today)); \(effect).", counts ? .warning : .ok)
    }

    /// The last visit's answers as today's draft, to be gone through with the patient.
    static func fillFromLast(_ m: inout AppModel) {
        guard let last = m.session?.lastScreening else { return }
        m.session?.draftAnswers = Dictionary(
            last.answers.map { ($0.item, $0.present) }, uniquingKeysWith: { a, _ in a })
        m.session?.draftDates = Dictionary(
            last.answers.compactMap { a in a.lastDate.map { (a.item, $0) } },
            uniquingKeysWith: { a, _ in a })
        m.session?.draftFromLast = true
        let yes = last.answers.filter(\.present).count
        m.say(
            "The answers of \(last.day) are filled in (\(yes) yes): go through each with the patient, change what"
                + " changed, then s to save.", .warning)
    }

    /// The patient's latest earlier screening arrived: offer it, do not fill it in.
    static func lastScreeningLoaded(
        _ sessionID: String, _ day: ClinicDay?, _ answers: [ScreeningAnswer], _ m: inout AppModel
    ) {
        guard let s = m.session, s.state.id == sessionID, !s.state.screeningDone, let day else { return }
        m.session?.lastScreening = LastScreening(day: day, answers: answers)
    }

    /// A session the store holds for recording is on screen now.
    static func opened(_ opened: OpenedSession, _ m: inout AppModel, now: Date) -> [Effect] {
        m.session = SessionScreen(opened, proto: m.proto, now: now)
        if opened.state.isLateEntry { m.session?.stepTime = opened.state.events.map(\.at).max() }
        m.screen = .session
        m.history = nil
        if case .form = m.overlay { m.overlay = nil }
        let st = opened.state
        if opened.isNew {
            if let warning = st.warnings.last {
                m.say(warning, .warning)
            } else {
                m.say("Session started. Begin with the screening.", .ok)
            }
        } else if st.endUnreadable {
            // Never resumed silently: it may already have been completed or voided.
            m.say("Not resumed: its last event is unreadable. Read it here; K continues it (recorded).", .warning)
        } else {
            m.say(
                st.isClosed
                    ? "This session is \(st.statusLabel); notes can still be added (n)."
                    : "Resumed at \(st.currentStep().title).")
        }
        guard !st.screeningDone, !st.isClosed, let patientID = st.start?.patientID,
            opened.history.contains(where: { $0.sessionID != st.id })
        else { return [] }
        return [.loadLastScreening(patientID: patientID, excluding: st.id)]
    }

    /// Yes to a question asked from the session.
    static func confirmed(_ action: Confirmation.Action, _ m: inout AppModel, now: Date) -> [Effect] {
        switch action {
        case .leaveSession:
            let effects = leave(&m)
            m.say("The session stays open; resume it from this list.")
            return effects
        case .depth(let zone, let depth):
            return Recording.record(.changeDepth(zone: zone, to: depth, confirmAboveProtocol: true), &m, now: now)
        case .complete:
            return Recording.record(.complete, &m, now: now)
        case .useLastScreening:
            fillFromLast(&m)
            return []
        case .saveScreening:
            guard let s = m.session else { return [] }
            let answers = m.proto.contraindications.map { item in
                let yes = s.draftAnswers[item.id] ?? false
                return ScreeningAnswer(
                    item: item.id, present: yes, lastDate: yes && item.withinDays != nil ? s.draftDates[item.id] : nil)
            }
            return Recording.record(.recordScreening(answers: answers), &m, now: now)
        case .stopSpinEarly:
            return Recording.record(.stopCentrifuge, &m, now: now)
        case .finishLot(let lot, let by):
            return [.recordLot(.finish(lot: lot), by: by)]
        }
    }
}
