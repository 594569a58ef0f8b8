import ChairsideCore
import ChairsidePrinting
import ChairsideStore
import Foundation

/// What the loop feeds the app.
public enum Message: Equatable {
    case key(Key)
    case tick
    case resize(width: Int, height: Int)
}

/// What the app asks of the terminal besides a new frame.
public enum Output: Equatable {
    case bell, quit
    /// The theme changed: the terminal should restyle with `App.theme`.
    case restyle
}

/// The console's update: takes a message, changes the model, and performs store work
/// through the `Store` (the only way anything reaches disk). Rendering is `AppView`.
public final class App {
    public private(set) var model: AppModel
    let store: Store
    let clock: () -> Date
    let desk: AftercareDesk
    let themes: ThemeDesk
    private var writer: SessionWriter?
    /// When the last key came, for the privacy screen's idle time.
    private var lastKeyAt: Date
    public static let privacyKey = Key.ctrl("p")

    public init(store: Store, config: ClinicConfig, timeZone: TimeZone, width: Int, height: Int, clock: @escaping () -> Date,
                notice: String? = nil, desk: AftercareDesk = AftercareDesk(), themes: ThemeDesk = ThemeDesk()) {
        self.store = store
        self.clock = clock
        self.desk = desk
        self.themes = themes
        lastKeyAt = clock()
        let day = ClinicDay(clock(), timeZone: timeZone)
        let (theme, themeNotice) = themes.library.resolve(config.theme)
        let notice = notice ?? themeNotice
        model = AppModel(config: config, timeZone: timeZone, width: width, height: height,
                         today: .init(day: day), notice: notice)
        model.themeName = theme.name
        if let notice { model.status = .init(text: notice, role: .warning) }
        if store.report.hasDamage {
            model.status = .init(text: "The store had damage: it was repaired and the originals moved to quarantine/. Run `chairside check` for details.", role: .warning)
        }
        reloadToday()
    }

    public var now: Date { clock() }

    public func render() -> Canvas { AppView.render(model, now: now, themes: themes) }

    /// What the terminal should draw with now: the chosen (or previewed) theme, or its
    /// monochrome stand-in on a terminal without colour.
    public var theme: Theme {
        themes.library.forDepth(themes.library.resolve(model.themeName).theme, themes.depth)
    }

    var proto: ClinicProtocol { model.config.protocolSettings }

    // MARK: update

    @discardableResult
    public func handle(_ message: Message) -> [Output] {
        switch message {
        case let .resize(w, h):
            model.width = w
            model.height = h
            return []
        case .tick:
            return tick()
        case .key(let key):
            lastKeyAt = now
            // Any key brings the console back from the privacy screen, and does nothing else:
            // the key that wakes it must not record or change anything.
            if model.hidden { model.hidden = false; return [] }
            if key == Self.privacyKey { model.hidden = true; return [] }
            if model.tooSmall {
                if key == .char("q") && model.screen != .session { return [.quit] }
                return []
            }
            if model.overlay != nil { return handleOverlay(key) }
            if key == .char("?") { model.overlay = .help; return [] }
            switch model.screen {
            case .today: return handleToday(key)
            case .newSession: handleNewSession(key); return []
            case .session: return handleSession(key)
            case .history: handleHistory(key); return []
            }
        }
    }

    private func tick() -> [Output] {
        let idle = model.config.privacyAfterMinutes
        if idle > 0 && !model.hidden && now.timeIntervalSince(lastKeyAt) >= Double(idle * 60) { model.hidden = true }
        guard var s = model.session, let numbing = s.state.numbing, numbing.removedAt == nil, !s.numbingAlerted,
              let dwell = s.state.numbingDwellSeconds(now: now), dwell >= numbing.dwellTargetMinutes * 60 else { return [] }
        s.numbingAlerted = true
        model.session = s
        model.status = .init(text: "Numbing target of \(numbing.dwellTargetMinutes) min reached: remove the cream (panel 3, key r).", role: .timerDone)
        return [.bell]
    }

    private func say(_ text: String, _ role: StyleRole = .normal) { model.status = .init(text: text, role: role) }

    // MARK: today

    func reloadToday() {
        do {
            model.today.sessions = try store.sessions(on: model.today.day)
            model.today.selected = min(model.today.selected, max(0, model.today.sessions.count - 1))
        } catch {
            say("\(error)", .danger)
        }
    }

    private func handleToday(_ key: Key) -> [Output] {
        let count = model.today.sessions.count
        switch key {
        case .char("q"): return [.quit]
        case .up, .char("k"): model.today.selected = max(0, model.today.selected - 1)
        case .down, .char("j"): model.today.selected = min(max(0, count - 1), model.today.selected + 1)
        case .char("n"):
            model.screen = .newSession
            model.newSession = .init()
            model.newSession.results = store.directory.search("")
            model.status = nil
        case .enter:
            guard count > 0 else { say("No session to open: press n to start one."); return [] }
            openSession(id: model.today.sessions[model.today.selected].id)
        case .char("r"):
            reloadToday()
            say("Refreshed.")
        case .char("T"):
            openThemePicker()
        case .left, .right:
            showDay(model.today.day.adding(days: key == .left ? -1 : 1))
        case .char("t"):
            showDay(ClinicDay(now, timeZone: model.timeZone))
        case .char("g"):
            model.overlay = .form(Form(title: "Go to date", fields: [.text("Date (YYYY-MM-DD)", model.today.day.description)]), .goToDate)
        case .char("H"):
            guard count > 0 else { say("No session selected."); return [] }
            let s = model.today.sessions[model.today.selected]
            openHistory(patientID: s.patientID, returnTo: .today)
        default:
            break
        }
        return []
    }

    private func showDay(_ day: ClinicDay) {
        model.today.day = day
        model.today.selected = 0
        model.status = nil
        reloadToday()
    }

    // MARK: history

    private func openHistory(patientID: String, returnTo: AppModel.Screen) {
        do {
            let sessions = try store.historySummaries(of: patientID)
            let history = PatientHistory(sessions: sessions, protocolSettings: proto, aftercare: model.config.aftercare)
            model.history = .init(patientID: patientID, patient: store.directory.patient(id: patientID), history: history,
                                  selected: max(0, history.rows.count - 1), returnTo: returnTo)
            model.screen = .history
            model.status = nil
        } catch {
            say("\(error)", .danger)
        }
    }

    private func handleHistory(_ key: Key) {
        guard var h = model.history else { return }
        switch key {
        case .escape, .char("q"):
            model.history = nil
            model.screen = h.returnTo == .session && model.session == nil ? .today : h.returnTo
            return
        case .up, .char("k"): h.selected = max(0, h.selected - 1)
        case .down, .char("j"): h.selected = min(max(0, h.history.rows.count - 1), h.selected + 1)
        case .enter:
            guard h.selected < h.history.rows.count else { return }
            let id = h.history.rows[h.selected].summary.id
            if model.session?.state.id == id {
                model.screen = .session
            } else {
                openSession(id: id)
            }
            return
        default: break
        }
        model.history = h
    }

    private func openSession(id: String) {
        do {
            let w = try store.openSession(id: id)
            enterSession(w)
            model.session?.detail = w.state.isClosed
            say(w.state.isClosed ? "This session is \(w.state.statusLabel); notes can still be added (n)." : "Resumed at \(w.state.currentStep().title).")
        } catch {
            say("\(error)", .danger)
        }
    }

    private func enterSession(_ w: SessionWriter) {
        writer?.close()
        writer = w
        let patientID = w.state.start?.patientID ?? ""
        var s = AppModel.SessionScreen(state: w.state, panel: w.state.currentStep(),
                                       patient: store.directory.patient(id: patientID),
                                       history: store.history(of: patientID).filter { $0.sessionID != w.id })
        // An alert that would have rung before a restart is not rung again.
        if let n = w.state.numbing, let dwell = w.state.numbingDwellSeconds(now: now), dwell >= n.dwellTargetMinutes * 60 { s.numbingAlerted = true }
        model.session = s
        model.screen = .session
    }

    private func leaveSession() {
        writer?.close()
        writer = nil
        model.session = nil
        model.screen = .today
        reloadToday()
    }

    // MARK: new session

    private func handleNewSession(_ key: Key) {
        var ns = model.newSession
        switch key {
        case .escape:
            model.screen = .today
            model.status = nil
            return
        case .up: ns.selected = max(0, ns.selected - 1)
        case .down: ns.selected = min(max(0, ns.results.count - 1), ns.selected + 1)
        case .right:
            guard ns.selected < ns.results.count else { say("No patient selected: type to search."); return }
            openHistory(patientID: ns.results[ns.selected].id, returnTo: .newSession)
            return
        case .ctrl("n"), .function(2):
            var form = Form(title: "New patient", fields: [
                .text("Name", ns.query), .text("Chart number"), .text("Date of birth (YYYY-MM-DD)"),
                .text("Fitzpatrick type (1-6)"), .text("Notes"),
            ])
            form.focus = ns.query.isEmpty ? 0 : 1
            model.overlay = .form(form, .newPatient)
        case .enter:
            guard ns.selected < ns.results.count else {
                say("No patient selected: type to search, or Ctrl-N to add a new patient.")
                return
            }
            openStartForm(ns.results[ns.selected])
        case .backspace, .delete:
            if !ns.query.isEmpty { ns.query.removeLast() }
            ns.results = store.directory.search(ns.query)
            ns.selected = 0
        case .ctrl("u"):
            ns.query = ""
            ns.results = store.directory.search("")
            ns.selected = 0
        case .char(let c) where ns.query.count < 100:
            ns.query.append(c)
            ns.results = store.directory.search(ns.query)
            ns.selected = 0
        default: break
        }
        model.newSession = ns
    }

    private func openStartForm(_ patient: Patient) {
        let zones = proto.zones.map(\.name)
        model.overlay = .form(Form(title: "Start session: \(Visible.text(patient.name))", fields: [
            .choice("Technician", model.config.technicians),
            .choice("Room", model.config.rooms),
            .multi("Planned zones", zones),
        ]), .startSession(patient))
    }

    // MARK: overlays

    private func handleOverlay(_ key: Key) -> [Output] {
        switch model.overlay {
        case .help:
            model.overlay = nil
        case let .confirm(_, action):
            if key == .char("y") || key == .char("Y") {
                model.overlay = nil
                return confirmed(action)
            }
            if key == .char("n") || key == .char("N") || key == .escape {
                model.overlay = nil
                say("Cancelled.")
            }
        case .form(var form, let purpose):
            switch form.handle(key) {
            case .cancelled:
                model.overlay = nil
                say("Cancelled; nothing recorded.")
            case .editing:
                model.overlay = .form(form, purpose)
            case .submitted:
                do {
                    try submit(form, purpose)
                } catch {
                    form.error = "\(error)"
                    model.overlay = .form(form, purpose)
                }
            }
        case .sheet(let preview):
            handleSheet(key, preview)
        case .themes(let picker):
            return handleThemePicker(key, picker)
        case nil: break
        }
        return []
    }

    // MARK: themes

    private func openThemePicker() {
        let names = themes.library.entries.map(\.name)
        let picker = ThemePicker(names: names, selected: names.firstIndex(of: model.themeName) ?? 0, original: model.themeName)
        model.overlay = .themes(picker)
    }

    private func handleThemePicker(_ key: Key, _ picker: ThemePicker) -> [Output] {
        var p = picker
        switch key {
        case .up, .char("k"): p.selected = max(0, p.selected - 1)
        case .down, .char("j"): p.selected = min(p.names.count - 1, p.selected + 1)
        case .home: p.selected = 0
        case .end: p.selected = p.names.count - 1
        case .escape, .char("q"):
            model.overlay = nil
            model.themeName = p.original
            say("Theme unchanged: \(p.original).")
            return [.restyle]
        case .enter:
            if case .failure(let error)? = themes.library.entry(named: p.current)?.theme {
                say("\(error.problems.first?.description ?? p.current) — fix the file and reopen the console, or pick another theme.", .warning)
                return []
            }
            model.overlay = nil
            model.themeName = p.current
            model.config.theme = p.current
            guard let path = themes.configPath else {
                say("Theme \(p.current) is in use until the console closes.")
                return [.restyle]
            }
            do {
                try ConfigFile.saveTheme(p.current, path: path)
                say("Theme \(p.current) is in use and saved in \(path).", .ok)
            } catch {
                say("Theme \(p.current) is in use for now but was not saved: \(error)", .warning)
            }
            return [.restyle]
        default:
            if case .char = key { say("\(key.label) does nothing here; ↑↓ preview, Enter use and save, Esc cancel.") }
            return []
        }
        model.overlay = .themes(p)
        guard p.current != model.themeName else { return [] }
        model.themeName = p.current
        return [.restyle]
    }

    private func confirmed(_ action: ConfirmAction) -> [Output] {
        switch action {
        case .leaveSession:
            leaveSession()
            say("The session stays open; resume it from this list.")
        case let .depth(zone, depth):
            record(.changeDepth(zone: zone, to: depth, confirmAboveProtocol: true))
        case .complete:
            record(.complete)
        case .saveScreening:
            saveScreening()
        }
        return []
    }

    /// A form problem the technician can fix without losing what they typed.
    struct FormProblem: Error, CustomStringConvertible { var description: String }

    private func number(_ text: String, _ what: String) throws -> Double {
        guard let v = Double(text.replacingOccurrences(of: ",", with: ".")), v.isFinite else {
            throw FormProblem(description: "\(what) must be a number.")
        }
        return v
    }

    private func integer(_ text: String, _ what: String) throws -> Int {
        guard let v = Int(text) else { throw FormProblem(description: "\(what) must be a whole number.") }
        return v
    }

    private func submit(_ f: Form, _ purpose: FormPurpose) throws {
        switch purpose {
        case .newPatient:
            let dob: ClinicDay?
            if f.text(2).isEmpty { dob = nil } else {
                guard let d = ClinicDay(string: f.text(2)) else { throw FormProblem(description: "Date of birth must look like 1988-04-02.") }
                dob = d
            }
            let fitz = f.text(3).isEmpty ? nil : try integer(f.text(3), "Fitzpatrick type")
            let p = try store.savePatient(Patient(id: "", name: f.text(0), dateOfBirth: dob, chartNumber: f.text(1), fitzpatrick: fitz, notes: f.text(4)))
            model.newSession.query = ""
            model.newSession.results = store.directory.search(p.chartNumber)
            model.newSession.selected = 0
            say("Patient saved.", .ok)
            openStartForm(p)
        case .startSession(let patient):
            let zones = f.selected(2).map { proto.zones[$0].id }
            let technician = model.config.technicians[f.choice(0)]
            let room = model.config.rooms[f.choice(1)]
            let id = Store.newSessionID(startedAt: now, timeZone: model.timeZone)
            let context = DecisionContext(protocolSettings: proto, history: store.history(of: patient.id), actor: technician)
            let events = try Decider.decide(.start(patient: patient, technician: technician, room: room, plannedZones: zones), state: SessionState(id: id), context: context, now: now)
            let w = try store.beginSession(id: id, events: events)
            model.overlay = nil
            enterSession(w)
            if let warning = w.state.warnings.last { say(warning, .warning) } else { say("Session started. Begin with the screening.", .ok) }
            return
        case .consent:
            try recordOrThrow(.recordConsent(signedBy: f.text(0)))
        case .override:
            try recordOrThrow(.override(provider: f.text(0), reason: f.text(1)))
        case .bloodDraw:
            try recordOrThrow(.drawBlood(volumeML: try number(f.text(0), "Volume"), tubes: try integer(f.text(1), "Tubes"), lot: f.text(2)))
        case .centrifuge:
            let unit: CentrifugeProgram.Unit = f.choice(0) == 0 ? .g : .rpm
            try recordOrThrow(.startCentrifuge(CentrifugeProgram(unit: unit, value: try integer(f.text(1), "Speed"), minutes: try integer(f.text(2), "Minutes"))))
        case .prpPrepared:
            try recordOrThrow(.preparePRP(volumeML: try number(f.text(0), "Volume")))
        case .growthFactors:
            try recordOrThrow(.openGrowthFactors(product: f.text(0), lot: f.text(1)))
        case .numbingApply:
            let planned = model.session?.state.start?.plannedZones ?? []
            try recordOrThrow(.applyNumbing(agent: f.text(0), lot: f.text(1), zones: planned, dwellTargetMinutes: try integer(f.text(2), "Dwell target")))
        case .numbingSkip:
            try recordOrThrow(.skipNumbing(reason: f.text(0)))
        case .logPass(let zone):
            guard let s = model.session else { return }
            let depth = s.state.depth(for: zone, proto: proto)
            let pass = Pass(zone: zone, depth: depth, count: try integer(f.text(0), "Count"),
                            pattern: PassPattern.allCases[f.choice(1)], endpoint: PassEndpoint.allCases[f.choice(2)])
            // Above the protocol maximum is only reachable by a depth change the technician confirmed.
            let above = Depth.exceeds(depth, proto.zone(zone)?.maxDepth ?? depth)
            try recordOrThrow(.logPass(pass, confirmAboveProtocol: above))
        case .prpApply:
            let planned = model.session?.state.start?.plannedZones ?? []
            let zone = f.choice(0) == 0 ? nil : planned[f.choice(0) - 1]
            try recordOrThrow(.applyPRP(zone: zone, volumeML: try number(f.text(1), "Volume"), method: PRPMethod.allCases[f.choice(2)]))
        case .postCare:
            try recordOrThrow(.applyPostCare(product: f.text(0), lot: f.text(1)))
        case .aftercareDeclined:
            try recordOrThrow(.recordAftercare(.declined(reason: f.text(0))))
        case .goToDate:
            guard let day = ClinicDay(string: f.text(0).trimmingCharacters(in: .whitespaces)) else {
                throw FormProblem(description: "Type a date like 2026-11-21.")
            }
            model.overlay = nil
            showDay(day)
        case .aftercareSave(let preview):
            let typed = f.text(0).trimmingCharacters(in: .whitespaces)
            guard !typed.isEmpty else { throw FormProblem(description: "Type the file to save to.") }
            let path = typed.hasPrefix("/") ? typed : FileManager.default.currentDirectoryPath + "/" + typed
            try checkAftercare()
            try store.saveAftercare(preview.text, to: path)
            try recordOrThrow(aftercareCommand(.saved(file: path)))
        case .note:
            guard let s = model.session else { return }
            try recordOrThrow(s.state.isClosed ? .amend(text: f.text(0), refersTo: nil) : .note(f.text(0)))
        case .adverseEvent:
            try recordOrThrow(.adverseEvent(f.text(0)))
        case .void(let seqs):
            try recordOrThrow(.void(seq: seqs[f.choice(0)], reason: f.text(1)))
        case .abort:
            try recordOrThrow(.abort(reason: f.text(0)))
        }
    }

    // MARK: recording

    /// Decides and appends. The model shows the events only once they are on disk.
    private func recordOrThrow(_ command: SessionCommand) throws {
        guard let w = writer, var s = model.session else { return }
        let technician = s.state.start?.technician ?? model.config.technicians.first ?? "technician"
        let context = DecisionContext(protocolSettings: proto, history: s.history, actor: technician)
        let events = try Decider.decide(command, state: w.state, context: context, now: now)
        do {
            try store.append(events, to: w)
        } catch {
            // Nothing was recorded. After a disk error the store may have read the session back
            // from disk: show exactly that, never what was only in memory.
            model.session?.state = w.state
            throw error
        }
        s.state = w.state
        s.timelineBack = 0
        if case .applyNumbing = command { s.numbingAlerted = false }
        if case .void = command { s.draftAnswers = [:] }
        model.session = s
        model.overlay = nil
        let warnings = events.compactMap { e -> String? in if case .warning(_, let m) = e.kind { m } else { nil } }
        if let w = warnings.first {
            say(w, .warning)
        } else {
            say("Recorded: " + Visible.text(EventDescription.line(events[0].kind, proto: proto)), .ok)
        }
        if let warning = store.indexWarning { say(warning, .warning) }
    }

    /// For single keys: a refusal or a store error goes to the status line; nothing crashes.
    private func record(_ command: SessionCommand) {
        do {
            try recordOrThrow(command)
        } catch {
            say("\(error)", error is Refusal ? .warning : .danger)
        }
    }

    // MARK: session keys

    private func handleSession(_ key: Key) -> [Output] {
        guard let s = model.session else { return [] }
        switch key {
        case .char("q"), .escape:
            if s.state.isClosed { leaveSession(); return [] }
            model.overlay = .confirm("Leave this session? It stays open and can be resumed from Today.", .leaveSession)
            return []
        case .char(let c) where ("1"..."7").contains(c):
            model.session?.panel = Track(rawValue: Int(String(c))!)!
            return []
        case .tab:
            model.session?.panel = Track(rawValue: s.panel.rawValue % 7 + 1)!
            return []
        case .backTab:
            model.session?.panel = Track(rawValue: (s.panel.rawValue + 5) % 7 + 1)!
            return []
        case .char("T"):
            openThemePicker()
            return []
        case .pageUp, .char("["):
            model.session?.timelineBack = min(s.timelineBack + 5, max(0, s.state.events.count - 1))
            return []
        case .pageDown, .char("]"):
            model.session?.timelineBack = max(0, s.timelineBack - 5)
            return []
        case .char("n"):
            model.overlay = .form(Form(title: s.state.isClosed ? "Amendment" : "Note", fields: [.text(s.state.isClosed ? "Amendment" : "Note")]), .note)
            return []
        case .char("e"):
            model.overlay = .form(Form(title: "Adverse event", fields: [.text("What happened and what was done")]), .adverseEvent)
            return []
        case .char("u"):
            let voidable = s.state.events.reversed().filter { e in
                guard s.state.voided[e.seq] == nil else { return false }
                switch e.kind {
                case .started, .voided, .completed, .aborted, .warning, .paused, .resumed, .note, .amended: return false
                default: return true
                }
            }
            guard !voidable.isEmpty else { say("Nothing to undo."); return [] }
            let labels = voidable.map { "#\($0.seq) " + DisplayWidth.truncate(Visible.text(EventDescription.line($0.kind, proto: proto)), to: 50) }
            model.overlay = .form(Form(title: "Undo (void) an event", fields: [.choice("Event", labels), .text("Reason")]), .void(voidable.map(\.seq)))
            return []
        case .char("p"):
            record(s.state.pausedAt == nil ? .pause : .resume)
            return []
        case .char("A"):
            model.overlay = .form(Form(title: "Abort the session", fields: [.text("Reason")]), .abort)
            return []
        case .char("C"):
            model.overlay = .confirm("Complete this session? After this, only notes and amendments can be added.", .complete)
            return []
        case .char("t"):
            model.session?.detail.toggle()
            model.session?.detailBack = 0
            return []
        case .char("H"):
            openHistory(patientID: s.state.start?.patientID ?? "", returnTo: .session)
            return []
        default:
            break
        }
        if s.detail {
            handleDetail(key, s)
        } else {
            handlePanel(key, s)
        }
        return []
    }

    /// The full-screen timeline scrolls; `v` opens the aftercare sheet for a reprint.
    private func handleDetail(_ key: Key, _ s: AppModel.SessionScreen) {
        let page = max(1, model.height - 10)
        let last = max(0, s.state.events.count - 1)
        switch key {
        case .up, .char("k"): model.session?.detailBack = min(last, s.detailBack + 1)
        case .down, .char("j"): model.session?.detailBack = max(0, s.detailBack - 1)
        case .pageUp: model.session?.detailBack = min(last, s.detailBack + page)
        case .pageDown: model.session?.detailBack = max(0, s.detailBack - page)
        case .home: model.session?.detailBack = last
        case .end: model.session?.detailBack = 0
        case .char("v"): openSheet(s)
        default:
            if case .char = key { say("\(key.label) does nothing in the timeline; t goes back to the panels, ? lists the keys.") }
        }
    }

    private func handlePanel(_ key: Key, _ s: AppModel.SessionScreen) {
        let planned = s.state.start?.plannedZones ?? []
        switch (s.panel, key) {
        case (.screening, .up):
            model.session?.screeningCursor = max(0, s.screeningCursor - 1)
        case (.screening, .down):
            // Computed first: reading the model inside `model.session?.x = …` overlaps the write (an exclusivity trap).
            let last = proto.contraindications.count - 1
            model.session?.screeningCursor = min(last, s.screeningCursor + 1)
        case (.screening, .char(" ")):
            guard !s.state.screeningDone else { say("Screening is recorded; void it (u) to change an answer."); break }
            let id = proto.contraindications[s.screeningCursor].id
            model.session?.draftAnswers[id] = !(s.draftAnswers[id] ?? false)
        case (.screening, .char("s")):
            let yes = s.draftAnswers.values.filter { $0 }.count
            model.overlay = .confirm("Save the screening with \(yes) item\(yes == 1 ? "" : "s") marked yes? (y/n)", .saveScreening)
        case (.screening, .char("c")):
            model.overlay = .form(Form(title: "Consent", fields: [.text("Signed by", s.state.start?.patientName ?? "")]), .consent)
        case (.screening, .char("o")):
            model.overlay = .form(Form(title: "Provider override", fields: [.text("Provider"), .text("Reason")]), .override)
        case (.prp, .char("b")):
            model.overlay = .form(Form(title: "Blood draw", fields: [.text("Volume (mL)", "30"), .text("Tubes", "3"), .text("Tube lot")]), .bloodDraw)
        case (.prp, .char("g")):
            model.overlay = .form(Form(title: "Centrifuge", fields: [.choice("Unit", ["g-force", "RPM"]), .text("Speed", "1500"), .text("Minutes", "8")]), .centrifuge)
        case (.prp, .char("x")):
            record(.stopCentrifuge)
        case (.prp, .char("r")):
            model.overlay = .form(Form(title: "PRP prepared", fields: [.text("Volume (mL)", "4")]), .prpPrepared)
        case (.prp, .char("f")):
            model.overlay = .form(Form(title: "Growth factors opened", fields: [.text("Product"), .text("Lot")]), .growthFactors)
        case (.numbing, .char("a")):
            model.overlay = .form(Form(title: "Numbing applied", fields: [.text("Agent"), .text("Lot"), .text("Dwell target (min)", "\(proto.numbingDwellTargetMinutes)")]), .numbingApply)
        case (.numbing, .char("r")):
            record(.removeNumbing)
        case (.numbing, .char("k")):
            model.overlay = .form(Form(title: "Skip numbing", fields: [.text("Reason")]), .numbingSkip)
        case (.numbing, .char("l")):
            record(.cleanseSkin)
        case (.needling, .up):
            model.session?.zoneCursor = max(0, s.zoneCursor - 1)
        case (.needling, .down):
            let last = needlingZones(s).count - 1
            model.session?.zoneCursor = min(last, s.zoneCursor + 1)
        case (.needling, .char("+")), (.needling, .char("=")), (.needling, .char("-")):
            let zone = needlingZones(s)[s.zoneCursor]
            let step = key == .char("-") ? -proto.depthStep : proto.depthStep
            let target = ((s.state.depth(for: zone.id, proto: proto) + step) * 1000).rounded() / 1000
            if Depth.exceeds(target, zone.maxDepth) && !Depth.exceeds(target, proto.deviceMaxDepth) {
                model.overlay = .confirm("\(zone.name): \(Depth.text(target)) is above the protocol maximum of \(Depth.text(zone.maxDepth)). Go deeper anyway? (y/n)", .depth(zone: zone.id, depth: target))
            } else {
                record(.changeDepth(zone: zone.id, to: target, confirmAboveProtocol: false))
            }
        case (.needling, .enter):
            let zone = needlingZones(s)[s.zoneCursor]
            model.overlay = .form(Form(title: "Log pass: \(zone.name) at \(Depth.text(s.state.depth(for: zone.id, proto: proto)))", fields: [
                .text("Passes", "1"),
                .choice("Pattern", PassPattern.allCases.map(\.rawValue)),
                .choice("Endpoint", PassEndpoint.allCases.map(\.label)),
            ]), .logPass(zone: zone.id))
        case (.prpApplied, .char("a")):
            model.overlay = .form(Form(title: "PRP applied", fields: [
                .choice("Zone", ["All zones"] + planned.map(proto.zoneName)),
                .text("Volume (mL)", "1"),
                .choice("Method", PRPMethod.allCases.map(\.label)),
            ]), .prpApply)
        case (.postCare, .char("a")):
            model.overlay = .form(Form(title: "Post-care product", fields: [.text("Product"), .text("Lot")]), .postCare)
        case (.aftercare, .char("v")), (.aftercare, .enter):
            openSheet(s)
        case (.aftercare, .char("h")):
            record(.recordAftercare(.handedPrePrinted))
        case (.aftercare, .char("d")):
            model.overlay = .form(Form(title: "Aftercare declined", fields: [.text("Reason")]), .aftercareDeclined)
        default:
            if case .char = key { say("\(key.label) does nothing here; press ? for this screen's keys.") }
        }
    }

    // MARK: aftercare

    private func openSheet(_ s: AppModel.SessionScreen) {
        let sheet = AftercareSheet(state: s.state, history: s.state.withOwnRef(s.history), config: model.config, timeZone: model.timeZone)
        let rendered = RenderedSheet(sheet: sheet, clinic: desk.template, measure: DisplayWidth.of)
        let preview = SheetPreview(rendered: rendered, reprint: s.state.aftercare != nil)
        model.overlay = .sheet(preview)
        if let warning = preview.warning { say(warning, .warning) }
    }

    private func aftercareCommand(_ delivery: AftercareDelivery) -> SessionCommand {
        model.session?.state.aftercareCommand(delivery) ?? .recordAftercare(delivery)
    }

    private func checkAftercare() throws {
        guard let s = model.session else { return }
        let context = DecisionContext(protocolSettings: proto, history: s.history, actor: s.state.start?.technician ?? "")
        try s.state.checkAftercareAllowed(context: context, now: now)
    }

    private func handleSheet(_ key: Key, _ preview: SheetPreview) {
        var p = preview
        let page = max(1, model.height - 6)
        let last = max(0, p.lines.count - page)
        switch key {
        case .escape, .char("q"):
            model.overlay = nil
            return
        case .up, .char("k"): p.scroll = max(0, p.scroll - 1)
        case .down, .char("j"): p.scroll = min(last, p.scroll + 1)
        case .pageUp: p.scroll = max(0, p.scroll - page)
        case .pageDown, .char(" "): p.scroll = min(last, p.scroll + page)
        case .home: p.scroll = 0
        case .end: p.scroll = last
        case .char("p"):
            printSheet(p)
            return
        case .char("s"):
            let path = store.defaultAftercarePath(sessionID: model.session?.state.id ?? "sheet")
            model.overlay = .form(Form(title: "Save the aftercare sheet", fields: [.text("File", path)]), .aftercareSave(p))
            return
        case .char("h") where !p.reprint:
            model.overlay = nil
            record(.recordAftercare(.handedPrePrinted))
            return
        case .char("d") where !p.reprint:
            model.overlay = .form(Form(title: "Aftercare declined", fields: [.text("Reason")]), .aftercareDeclined)
            return
        default:
            if case .char = key { say("\(key.label) does nothing here; p print · s save" + (p.reprint ? "" : " · h handed · d declined") + " · Esc back.") }
        }
        model.overlay = .sheet(p)
    }

    /// Prints through CUPS and records the job. A failure keeps the preview open with every choice still there.
    private func printSheet(_ preview: SheetPreview) {
        do {
            try checkAftercare()
        } catch {
            say("\(error)", .warning)
            return
        }
        let job: PrintJob
        do {
            job = try desk.printer.print(preview.text, printer: desk.queue, paper: model.config.aftercare.paper)
        } catch {
            say("Not printed: \(error) Nothing was recorded; you can also save (s) or hand a pre-printed sheet (h).", .danger)
            return
        }
        do {
            try recordOrThrow(aftercareCommand(.printed(printer: job.printer, jobID: job.jobID)))
            say("Printed on \(Visible.text(job.printer)) (job \(Visible.text(job.jobID))) and recorded.", .ok)
        } catch {
            say("Printed as job \(Visible.text(job.jobID)), but it could not be recorded: \(error) Take the sheet from the printer and record it again.", .danger)
        }
    }

    func needlingZones(_ s: AppModel.SessionScreen) -> [ZoneSetting] {
        AppModelZones.needling(s.state, proto: proto)
    }

    private func saveScreening() {
        guard let s = model.session else { return }
        let answers = proto.contraindications.map { ScreeningAnswer(item: $0.id, present: s.draftAnswers[$0.id] ?? false) }
        record(.recordScreening(answers: answers))
    }

    /// Releases the session lock; called when the console exits.
    public func shutdown() {
        writer?.close()
        writer = nil
    }
}
