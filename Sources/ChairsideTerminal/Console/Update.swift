import ChairsideCore
import Foundation

/// What the loop feeds the console: keys, the clock, the window size, and the answers to effects.
public enum Message: Equatable, Sendable {
    case key(Key)
    case tick
    case resize(width: Int, height: Int)
    case result(EffectResult)
}

/// The console's update: a pure function of the model, a message and the time. It changes the
/// model and returns effects as values; it never touches the store, a file or a process.
public enum ConsoleUpdate {
    public static let privacyKey = Key.ctrl("p")

    /// The first work of a new console: today's list.
    public static func start(_ m: inout AppModel) -> [Effect] {
        counted([.loadDay(m.today.day), .loadLots], &m)
    }

    public static func update(_ m: inout AppModel, _ message: Message, now: Date) -> [Effect] {
        var effects = counted(step(&m, message, now: now), &m)
        // Keys typed while the store worked go through now, in order, until one waits again.
        while m.waiting == 0, !m.heldKeys.isEmpty {
            let key = m.heldKeys.removeFirst()
            effects += counted(step(&m, .key(key), now: now), &m)
        }
        return effects
    }

    private static func counted(_ effects: [Effect], _ m: inout AppModel) -> [Effect] {
        m.waiting += effects.filter(\.holdsKeys).count
        return effects
    }

    private static func step(_ m: inout AppModel, _ message: Message, now: Date) -> [Effect] {
        switch message {
        case .resize(let w, let h):
            m.width = w
            m.height = h
            return []
        case .tick:
            return tick(&m, now: now)
        case .result(let result):
            if result.answersHeldEffect { m.waiting = max(0, m.waiting - 1) }
            return apply(result, &m, now: now)
        case .key(let key):
            m.lastKeyAt = now
            // Any key brings the console back from the privacy screen, and does nothing else:
            // the key that wakes it must not record or change anything.
            if m.hidden {
                m.hidden = false
                return []
            }
            if key == privacyKey {
                m.hidden = true
                return []
            }
            if m.waiting > 0 {
                m.heldKeys.append(key)
                return []
            }
            return handle(key, &m, now: now)
        }
    }

    private static func handle(_ key: Key, _ m: inout AppModel, now realNow: Date) -> [Effect] {
        // A late entry runs on its own clock: each step at the real time it happened (W sets it).
        let now = m.screen == .session ? (m.session?.stepTime ?? realNow) : realNow
        if m.helpOpen {
            m.helpOpen = false
            return []
        }
        if m.tooSmall {
            return key == .char("q") && m.screen != .session ? [.quit] : []
        }
        switch m.overlay {
        case .form(let form): return FormUpdate.update(key, form, &m, now: now)
        case .confirm(let confirmation): return ConfirmOverlay.update(key, confirmation, &m, now: now)
        case .sheet(let preview): return SheetPreview.update(key, preview, &m, now: now)
        case .themes(let picker): return ThemePicker.update(key, picker, &m)
        case nil: break
        }
        switch m.screen {
        case .today:
            guard let action = TodayScreen.keys.action(for: key) else { return unknown(key, &m) }
            return TodayScreen.update(action, &m, now: now)
        case .newSession: return NewSessionScreen.update(key, &m, now: now)
        case .session: return SessionScreen.update(key, &m, now: now)
        case .history:
            guard let action = HistoryScreen.keys.action(for: key) else { return unknown(key, &m) }
            return HistoryScreen.update(action, &m, now: now)
        case .due:
            guard let action = DueScreen.keys.action(for: key) else { return unknown(key, &m) }
            return DueScreen.update(action, &m, now: now)
        case .lots:
            guard let action = LotsScreen.keys.action(for: key) else { return unknown(key, &m) }
            return LotsScreen.update(action, &m, now: now)
        case .recall:
            guard let action = RecallScreen.keys.action(for: key) else { return unknown(key, &m) }
            return RecallScreen.update(action, &m, now: now)
        }
    }

    private static func unknown(_ key: Key, _ m: inout AppModel) -> [Effect] {
        if case .char = key { m.say("\(key.label) does nothing here; press ? for this screen's keys.") }
        return []
    }

    /// The privacy screen's idle time and the numbing alert, which rings once.
    private static func tick(_ m: inout AppModel, now: Date) -> [Effect] {
        var effects: [Effect] = []
        if m.replicaReadAt.map({ now.timeIntervalSince($0) >= AppModel.replicaPollSeconds }) ?? true {
            m.replicaReadAt = now
            effects.append(.readReplicaStatus)
        }
        return effects + alerts(&m, now: now)
    }

    private static func alerts(_ m: inout AppModel, now: Date) -> [Effect] {
        let idle = m.config.privacyAfterMinutes
        if idle > 0 && !m.hidden && now.timeIntervalSince(m.lastKeyAt) >= Double(idle * 60) { m.hidden = true }
        guard let s = m.session, s.stepTime == nil, let numbing = s.state.numbing, numbing.removedAt == nil,
            !s.numbingAlerted,
            let dwell = s.state.numbingDwellSeconds(now: now), dwell >= numbing.dwellTargetMinutes * 60
        else { return [] }
        m.session?.numbingAlerted = true
        m.say("Numbing target of \(numbing.dwellTargetMinutes) min reached: remove the cream. [panel 3, r]", .timerDone)
        return [.bell]
    }

    private static func apply(_ result: EffectResult, _ m: inout AppModel, now: Date) -> [Effect] {
        switch result {
        case .dayLoaded(let day, let sessions, let anchor, let mismatches):
            TodayScreen.loaded(day, sessions, anchor: anchor, &m)
            m.today.anchorMismatches = mismatches
        case .patientsFound(let query, let patients, let damage):
            NewSessionScreen.found(query, patients, &m)
            if query == m.newSession.query { m.newSession.damage = damage }
        case .patientSaved(let patient):
            m.newSession.query = patient.chartNumber
            m.say("Patient saved.", .ok)
            m.overlay = .form(OpenForm(StartSessionForm(patient: patient, config: m.config)))
            return [.searchPatients(patient.chartNumber)]
        case .sessionOpened(let opened): return SessionScreen.opened(opened, &m, now: now)
        case .lastScreeningLoaded(let sessionID, let day, let answers):
            SessionScreen.lastScreeningLoaded(sessionID, day, answers, &m)
        case .stored(let events, let state, let warning):
            Recording.stored(events, state: state, indexWarning: warning, &m)
        case .historyLoaded(let patientID, let patient, let sessions):
            if let start = m.pendingStart, start.patient.id == patientID {
                return StartSession.decide(start, history: sessions.map(\.ref), &m, now: now)
            }
            HistoryScreen.loaded(patientID: patientID, patient: patient, sessions: sessions, &m)
        case .dueListLoaded(let day, let scope, let entries): DueScreen.loaded(day: day, scope: scope, entries, &m)
        case .themeSaved(let name, let path): m.say("Theme \(name) is in use and saved in \(path).", .ok)
        case .aftercareSaved(let path): return SheetPreview.saved(path, &m, now: now)
        case .replicaStatus(let text): m.replica = text
        case .printed(let job, let note): return SheetPreview.printed(job, note: note, &m, now: now)
        case .lotsLoaded(let register, let damage):
            m.lotDamage = damage
            LotsScreen.loaded(register, &m)
        case .lotRecorded(let register, let events, let damage):
            m.lotDamage = damage
            LotsScreen.recorded(register, events: events, &m)
        case .recallLoaded(let lot, let entries): RecallScreen.loaded(lot: lot, entries: entries, &m)
        case .failed(let failure): failed(failure, &m)
        }
        return []
    }

    private static func failed(_ failure: Failure, _ m: inout AppModel) {
        switch failure.operation {
        case .print: SheetPreview.printFailed(failure, &m)
        case .saveTheme: m.say("The theme is in use for now but was not saved: \(failure.message)", .warning)
        case .append, .saveAftercare, .savePatient: Recording.failed(failure, &m)
        case .beginSession:
            m.pendingStart = nil
            Recording.failed(failure, &m)
        case .loadDay:
            m.today.loading = false
            m.say(failure.message, .danger)
        case .loadLastScreening:
            // Only an offer: without it the technician asks every question, as on a first visit.
            m.say("The last screening could not be read (\(failure.message)); ask every question.", .warning)
        case .loadLots: m.say("The lot register could not be read: \(failure.message)", .warning)
        case .recordLot where m.screen != .lots:
            m.say("The lot register was not updated (\(failure.message)); the session's step is recorded.", .warning)
        case .search, .openSession, .loadHistory, .recordLot, .recall:
            m.pendingStart = nil
            if case .form(var form) = m.overlay {
                form.saving = false
                form.error = failure.message
                m.overlay = .form(form)
            } else {
                m.say(failure.message, .danger)
            }
        }
    }
}

extension EffectResult {
    /// Every effect that holds keys gets exactly one answer; printing and theme saving do not hold keys.
    var answersHeldEffect: Bool {
        switch self {
        case .printed, .themeSaved, .replicaStatus, .lotsLoaded: false
        case .failed(let f): f.operation != .print && f.operation != .saveTheme && f.operation != .loadLots
        default: true
        }
    }
}

/// Starting a session: the patient's past sessions are read first (the interval rule needs them),
/// then the start is decided and the journal created.
enum StartSession {
    static func request(_ start: PendingStart, _ m: inout AppModel) -> [Effect] {
        m.pendingStart = start
        return [.loadHistory(patientID: start.patient.id)]
    }

    static func decide(_ start: PendingStart, history: [SessionRef], _ m: inout AppModel, now: Date) -> [Effect] {
        m.pendingStart = nil
        // A late entry starts at the time it really began, and its journal marks every line as late.
        let now = start.lateAt ?? now
        let id = m.env.newSessionID(now, m.timeZone)
        let context = DecisionContext(
            protocolSettings: m.proto, history: history, actor: start.technician, timeZone: m.timeZone)
        let command = SessionCommand.start(
            patient: start.patient, technician: start.technician, room: start.room,
            plannedZones: start.zones)
        do {
            let events = try Decider.decide(command, state: SessionState(id: id), context: context, now: now)
            if start.lateAt != nil { return [.beginLateSession(id: id, events: events)] }
            return [.beginSession(id: id, events: events)]
        } catch {
            Recording.failed(Failure(.beginSession, Recording.refusalText(error), isRefusal: true), &m)
            return []
        }
    }
}

/// Keys in a form, and what a submitted form turns into.
enum FormUpdate {
    static func update(_ key: Key, _ open: OpenForm, _ m: inout AppModel, now: Date) -> [Effect] {
        var form = open
        if form.saving { return [] }
        switch form.handle(key) {
        case .cancelled:
            m.overlay = nil
            m.savingSheet = nil
            m.say("Cancelled; nothing recorded.")
            return []
        case .editing:
            m.overlay = .form(form)
            return []
        case .submitted:
            break
        }
        let intent: FormIntent
        do {
            intent = try form.submit(m.formContext(now: now))
        } catch {
            form.fail(error)
            m.overlay = .form(form)
            return []
        }
        form.error = nil
        form.saving = true
        m.overlay = .form(form)
        switch intent {
        case .record(let command):
            do {
                return try Recording.recordOrThrow(command, &m, now: now)
            } catch {
                form.saving = false
                form.error = Recording.refusalText(error)
                m.overlay = .form(form)
                return []
            }
        case .savePatient(let patient): return [.savePatient(patient)]
        case .startSession(let patient, let technician, let room, let zones):
            return StartSession.request(
                PendingStart(patient: patient, technician: technician, room: room, zones: zones, lateAt: m.lateStart),
                &m)
        case .goToDate(let day):
            m.overlay = nil
            return TodayScreen.show(day, &m)
        case .screeningDate(let item, let day):
            m.overlay = nil
            SessionScreen.dated(item: item, day: day, &m, now: now)
            return []
        case .changeDepth(let zone, let depth):
            return SessionScreen.changeDepth(zone: zone, to: depth, &m, now: now)
        case .lateSession(let at):
            m.overlay = nil
            return NewSessionScreen.openLate(at: at, &m)
        case .stepTime(let at):
            m.overlay = nil
            m.session?.stepTime = at
            m.say("The next step is recorded at \(Clock.hhmm(at, timeZone: m.timeZone)) (W to change).", .ok)
            return []
        case .recordLot(let command, let by): return [.recordLot(command, by: by)]
        case .recordWithLot(let command, let use):
            do {
                return try LotRecording.record(command, use, &m, now: now)
            } catch {
                form.saving = false
                form.error = Recording.refusalText(error)
                m.overlay = .form(form)
                return []
            }
        case .recall(let lot): return [.recall(lot: lot)]
        case .saveAftercare(let path):
            guard let s = m.session, let sheet = m.savingSheet else { return [] }
            do {
                try s.state.checkAftercareAllowed(context: s.context(m), now: now)
            } catch {
                form.saving = false
                form.error = Recording.refusalText(error)
                m.overlay = .form(form)
                return []
            }
            return [.saveAftercare(sheet.document, path: path)]
        }
    }
}
