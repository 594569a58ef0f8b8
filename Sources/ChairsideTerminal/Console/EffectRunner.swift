import ChairsideCore
import ChairsidePrinting
import ChairsideStore
import Foundation

/// Performs effects. It is the only code in the console that calls the store or the printer, and
/// it holds the session that is open for recording (its journal and lock).
///
/// Store work must run on one thread at a time (the console's effect queue does that); printing
/// touches only the printer program, so it may run beside it.
public final class EffectRunner: @unchecked Sendable {
    let store: Store
    let printer: CUPSPrinter
    let typesetter: SheetTypesetter
    private var writer: SessionWriter?

    public init(store: Store, printer: CUPSPrinter, typesetter: SheetTypesetter = SheetTypesetter()) {
        self.store = store
        self.printer = printer
        self.typesetter = typesetter
    }

    /// Performs the effect where it is called and returns its answer; nil for effects with none.
    public func perform(_ effect: Effect) -> EffectResult? {
        switch effect {
        case .loadDay(let day):
            return attempt(.loadDay) {
                let sessions = try store.sessions(on: day)
                return .dayLoaded(
                    day, sessions, anchor: sessions.isEmpty ? nil : try store.anchor(on: day).short,
                    anchorMismatches: try store.anchorMismatches(on: day))
            }
        case .loadDayAllRooms(let day):
            return attempt(.loadDay) { .dayLoaded(day, try store.sessionsInAllRooms(on: day), anchor: nil) }
        case .readReplicaStatus:
            return .replicaStatus(
                ReplicaStatus.headerText(ReplicaStatus.read(store), now: Date(), timeZone: store.timeZone))
        case .searchPatients(let query):
            // Patients another process added since the directory was built are found too.
            store.refreshDirectoryIfJournalGrew()
            return .patientsFound(
                query: query, store.directory.search(query), damage: store.journalDamage(.patients))
        case .savePatient(let patient):
            return attempt(.savePatient) { .patientSaved(try store.savePatient(patient)) }
        case .beginSession(let id, let events):
            return attempt(.beginSession) {
                let w = try store.beginSession(id: id, events: events)
                return .sessionOpened(hold(w, isNew: true))
            }
        case .beginLateSession(let id, let events):
            return attempt(.beginSession) {
                let w = try store.beginSession(id: id, events: events, lateEntry: true)
                return .sessionOpened(hold(w, isNew: true))
            }
        case .openSession(let id):
            if writer?.id == id { release() }
            return attempt(.openSession) { .sessionOpened(hold(try store.openSession(id: id), isNew: false)) }
        case .closeSession:
            release()
            return nil
        case .append(let id, let events):
            return append(events, to: id)
        case .loadLots:
            return attempt(.loadLots) {
                let read = try store.lotRegisterAndDamage()
                return .lotsLoaded(read.register, damage: read.damage)
            }
        case .recordLot(let command, let by):
            return attempt(.recordLot) {
                let events = try store.recordLot(command, by: by, now: Date())
                let read = try store.lotRegisterAndDamage()
                return .lotRecorded(read.register, events: events, damage: read.damage)
            }
        case .recall(let lot):
            return attempt(.recall) { .recallLoaded(lot: lot, entries: try store.recall(lot: lot)) }
        case .loadHistory(let patientID):
            return attempt(.loadHistory) {
                .historyLoaded(
                    patientID: patientID, patient: store.directory.patient(id: patientID),
                    sessions: try store.historySummaries(of: patientID))
            }
        case .loadDueList(let day, let scope, let proto, let settings):
            return .dueListLoaded(
                day: day, scope: scope, store.dueList(today: day, proto: proto, settings: settings, scope: scope))
        case .loadLastScreening(let patientID, let excluding):
            return attempt(.loadLastScreening) { try lastScreening(of: patientID, excluding: excluding) }
        case .saveTheme(let name, let path):
            return attempt(.saveTheme) {
                try ConfigFile.saveTheme(name, path: path)
                return .themeSaved(name: name, path: path)
            }
        case .saveAftercare(let sheet, let path):
            return attempt(.saveAftercare) {
                if path.lowercased().hasSuffix(".pdf") {
                    let pdf: Data
                    do {
                        pdf = try typesetter.pdf(html: sheet.html)
                    } catch {
                        return .failed(
                            Failure(.saveAftercare, "\(error) Or save the text sheet: a name ending in .txt."))
                    }
                    try store.saveAftercare(pdf, to: path, sessionID: writer?.id)
                } else {
                    try store.saveAftercare(sheet.text, to: path, sessionID: writer?.id)
                }
                return .aftercareSaved(path: path)
            }
        case .printAftercare(let sheet, let queue, let paper):
            return attempt(.print) { try print(sheet, queue: queue, paper: paper) }
        case .bell, .quit, .restyle:
            return nil
        }
    }

    /// Reads the patient's sessions newest first until one has a screening; reads only, never repairs.
    private func lastScreening(of patientID: String, excluding: String) throws -> EffectResult {
        let earlier = store.history(of: patientID).filter { $0.sessionID != excluding }.sorted {
            $0.startedAt > $1.startedAt
        }
        for ref in earlier.prefix(10) {
            let state = try store.loadSession(id: ref.sessionID)
            if let answers = state.answers, let at = state.start?.at {
                return .lastScreeningLoaded(
                    sessionID: excluding, day: ClinicDay(at, timeZone: store.timeZone), answers: answers)
            }
        }
        return .lastScreeningLoaded(sessionID: excluding, day: nil, answers: [])
    }

    /// The typeset page; without a typesetter the text sheet still goes out, and the answer says so.
    private func print(_ sheet: SheetDocument, queue: String?, paper: Paper) throws -> EffectResult {
        do {
            let pdf = try typesetter.pdf(html: sheet.html)
            return .printed(try printer.printPDF(pdf, printer: queue, paper: paper), note: nil)
        } catch TypesetError.rendererMissing(let command) {
            let job = try printer.print(sheet.text, printer: queue, paper: paper)
            return .printed(job, note: "as plain text: \(command) (the typesetter) is not installed")
        }
    }

    /// Lets go of the session held for recording; called when the console closes.
    public func shutdown() { release() }

    private func append(_ events: [SessionEvent], to id: String) -> EffectResult {
        guard let w = writer, w.id == id else {
            return .failed(
                Failure(.append, "This session is no longer held for recording: leave it and open it again from Today.")
            )
        }
        do {
            try store.append(events, to: w)
            return .stored(events: events, state: w.state, indexWarning: store.indexWarning)
        } catch {
            // Nothing was recorded; after a disk error the store may have read the session back from
            // disk, and the console shows exactly that.
            return .failed(Failure(.append, "\(error)", sessionOnDisk: w.state, isRefusal: error is Refusal))
        }
    }

    private func hold(_ w: SessionWriter, isNew: Bool) -> OpenedSession {
        if writer !== w { writer?.close() }
        writer = w
        let patientID = w.state.start?.patientID ?? ""
        return OpenedSession(
            state: w.state, patient: store.directory.patient(id: patientID), history: store.history(of: patientID),
            isNew: isNew)
    }

    private func release() {
        writer?.close()
        writer = nil
    }

    private func attempt(_ operation: Failure.Operation, _ body: () throws -> EffectResult) -> EffectResult {
        do {
            return try body()
        } catch {
            let refusal = error is PatientError || error is Refusal || error is LotRefusal || isLocked(error)
            return .failed(Failure(operation, "\(error)", isRefusal: refusal))
        }
    }

    private func isLocked(_ error: Error) -> Bool {
        if case StoreError.sessionLocked? = error as? StoreError { return true }
        return false
    }
}

/// Runs effects off the console's loop: store work in order on one thread, printing on another,
/// so a hung printer never holds the store and neither ever holds the keys or the clock.
/// Answers wait in a mailbox the loop empties between frames.
public final class EffectQueue: @unchecked Sendable {
    private let runner: EffectRunner
    private let storeWork = DispatchQueue(label: "chairside.store")
    private let printWork = DispatchQueue(label: "chairside.print")
    private let lock = NSLock()
    private var answers: [EffectResult] = []

    public init(runner: EffectRunner) { self.runner = runner }

    public func submit(_ effect: Effect) {
        let queue = if case .printAftercare = effect { printWork } else { storeWork }
        queue.async { [self] in
            guard let answer = runner.perform(effect) else { return }
            lock.withLock { answers.append(answer) }
        }
    }

    /// The answers that came since the last call, in the order they came.
    public func drain() -> [EffectResult] {
        lock.withLock {
            defer { answers.removeAll() }
            return answers
        }
    }

    /// Waits for the store work under way (a print is not waited for), then lets go of the session.
    public func finish() {
        storeWork.sync {}
        storeWork.sync { runner.shutdown() }
    }
}
