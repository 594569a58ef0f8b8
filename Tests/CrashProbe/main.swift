import ChairsideCore
import ChairsideStore
import Foundation
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

#if DEBUG

    // The reliability harness's subject (docs/RELIABILITY.md). A test build of the store with its
    // fault plan, driven by CHAIRSIDE_CRASH_AT / CHAIRSIDE_CRASH_MODE, so a test can kill it at any
    // crash point and then check the store it leaves.
    //
    //   CrashProbe session STORE      a scripted full session: a new patient, then every step from
    //                                 screening to completion and an amendment, one append each.
    //                                 Prints `patient ID` and `ack SEQ STATUS|STEP|PAUSED` once a write is
    //                                 acknowledged; before each append, `pending SEQ BASE64` for each of
    //                                 its events and `expect STATUS|STEP|PAUSED` for after it;
    //                                 and `done OPS` at the end (with `op N KIND PATH` lines when
    //                                 CHAIRSIDE_LIST_OPS=1).
    //   CrashProbe recover STORE      what the console does on opening a store after a crash: open the
    //                                 store, list today, take over the session. Prints `recovered OPS`.
    //   CrashProbe open STORE         reads everything (every day, every session, then `check`) and
    //                                 prints what it found; exit 0, or 3 with the store's message.

    /// Acknowledgements go straight to the descriptor, so a SIGKILL right after cannot lose them.
    func say(_ line: String) {
        let data = Array((line + "\n").utf8)
        _ = data.withUnsafeBytes { write(1, $0.baseAddress!, $0.count) }
    }

    let sessionID = "20261121-090000-c4a5"
    let today = ClinicDay(Fixture.t0, timeZone: Fixture.utc)

    func label(_ state: SessionState) -> String {
        guard let summary = SessionSummary(state: state, journalBytes: 0) else { return "none" }
        return "\(summary.status.rawValue)|\(summary.step)|\(summary.paused)"
    }

    func runSession(_ root: String) throws {
        let store = try Store(root: root, timeZone: Fixture.utc, today: today)
        let patient = try store.savePatient(Fixture.patient("Rosa Quintero", id: "", chart: "C-7001"))
        say("patient \(patient.id)")
        let context = Fixture.context()
        let encoder = JSONCoding.encoder()
        var writer: SessionWriter?
        var state = SessionState(id: sessionID)
        var clock = Fixture.t0
        func run(_ command: SessionCommand, after minutes: Double = 1) throws {
            clock = clock.addingTimeInterval(minutes * 60)
            let events = try Decider.decide(command, state: writer?.state ?? state, context: context, now: clock)
            for e in events { say("pending \(e.seq) \(try encoder.encode(e).base64EncodedString())") }
            say("expect \(label(events.reduce(writer?.state ?? state) { $0.evolve($1) }))")
            if let writer {
                try store.append(events, to: writer)
            } else {
                writer = try store.beginSession(id: sessionID, events: events)
            }
            state = writer!.state
            say("ack \(state.events.last!.seq) \(label(state))")
        }
        let zones = ["forehead", "cheeks"]
        try run(.start(patient: patient, technician: "Alex Rivera", room: "Room 1", plannedZones: zones), after: 0)
        try run(.recordScreening(answers: Fixture.noScreeningFlags()))
        try run(.recordConsent(signedBy: patient.name))
        try run(.applyNumbing(agent: "BLT 20/8/4", lot: "N-77", zones: zones, dwellTargetMinutes: 30))
        try run(.drawBlood(volumeML: 30, tubes: 3, lot: "T-1"), after: 2)
        try run(.startCentrifuge(CentrifugeProgram(unit: .g, value: 1500, minutes: 8)))
        try run(.pause, after: 2)
        try run(.resume, after: 3)
        try run(.stopCentrifuge, after: 3)
        try run(.preparePRP(volumeML: 4))
        try run(.note("Comfortable; skin intact"), after: 5)
        try run(.removeNumbing, after: 12)
        try run(.cleanseSkin)
        try run(
            .logPass(
                Pass(zone: "forehead", depth: 0.5, count: 2, pattern: .horizontal, endpoint: .erythema),
                confirmAboveProtocol: false), after: 3)
        try run(
            .logPass(
                Pass(zone: "forehead", depth: 0.5, count: 1, pattern: .vertical, endpoint: .erythema),
                confirmAboveProtocol: false), after: 2)
        try run(.void(seq: writer!.state.events.last!.seq, reason: "Logged twice"))
        try run(
            .logPass(
                Pass(zone: "cheeks", depth: 1.0, count: 2, pattern: .vertical, endpoint: .erythema),
                confirmAboveProtocol: false), after: 3)
        try run(.changeDepth(zone: "cheeks", to: 1.5, confirmAboveProtocol: false))
        try run(
            .logPass(
                Pass(zone: "cheeks", depth: 1.5, count: 1, pattern: .diagonal, endpoint: .pinpointBleeding),
                confirmAboveProtocol: false), after: 2)
        // Outside the plan: the pass and its warning are one decision, two events, one batch.
        try run(
            .logPass(
                Pass(zone: "chin", depth: 1.0, count: 1, pattern: .horizontal, endpoint: .erythema),
                confirmAboveProtocol: false), after: 2)
        try run(.applyPRP(zone: nil, volumeML: 3.5, method: .after), after: 2)
        try run(.applyPostCare(product: "Soothing serum", lot: "S-9"), after: 3)
        try run(.recordAftercare(.handedPrePrinted), after: 2)
        try run(.complete)
        try run(.amend(text: "Patient called: mild redness only", refersTo: nil), after: 60)
    }

    func recover(_ root: String) throws {
        let store = try Store(root: root, timeZone: Fixture.utc, today: today)
        _ = try store.sessions(on: today)
        if FileManager.default.fileExists(atPath: "\(root)/days/\(today)/\(sessionID).jsonl") {
            do {
                let writer = try store.openSession(id: sessionID)
                writer.close()
            } catch StoreError.corrupt {
                // A journal with no readable event (a crash before the first one was synced) stays as it is.
            }
        }
        say("recovered \(FaultPlan.shared.operationCount)")
    }

    func openEverything(_ root: String) throws {
        let store = try Store(root: root, timeZone: Fixture.utc, today: today)
        var sessions = 0
        var unreadable = 0
        for day in store.allDays() {
            for summary in try store.sessions(on: day) {
                sessions += 1
                do { _ = try store.loadSession(id: summary.id) } catch {
                    unreadable += 1
                    say("session: \(error)")
                }
            }
        }
        say("patients \(store.directory.patients.count)")
        for finding in store.report.findings { say("finding \(finding.text)") }
        let report = try store.check()
        for finding in report.findings { say("finding \(finding.text)") }
        say("opened \(sessions) sessions, \(unreadable) unreadable")
    }

    /// What a read-only command sees (`today`, `show`): never writes.
    func readEverything(_ root: String) throws {
        let store = try Store(root: root, timeZone: Fixture.utc, today: today, access: .read)
        var sessions = 0
        var unreadable = 0
        for day in store.allDays() {
            for summary in try store.sessions(on: day) {
                sessions += 1
                do { _ = try store.loadSession(id: summary.id) } catch {
                    unreadable += 1
                    say("session: \(error)")
                }
            }
        }
        say("patients \(store.directory.patients.count)")
        for finding in store.report.findings { say("finding \(finding.text)") }
        say("opened \(sessions) sessions, \(unreadable) unreadable")
    }

    let args = CommandLine.arguments
    guard args.count == 3 else {
        FileHandle.standardError.write(Data("usage: CrashProbe session|recover|open|read STORE\n".utf8))
        exit(64)
    }
    FaultPlan.shared.keepsLog = ProcessInfo.processInfo.environment["CHAIRSIDE_LIST_OPS"] == "1"
    do {
        switch args[1] {
        case "session": try runSession(args[2])
        case "recover": try recover(args[2])
        case "open": try openEverything(args[2])
        case "read": try readEverything(args[2])
        default: exit(64)
        }
    } catch {
        say("error \(error)")
        exit(3)
    }
    if args[1] == "session" {
        for (n, op) in FaultPlan.shared.operations.enumerated() {
            say(
                "op \(n + 1) \(op.operation.rawValue) \(op.path.hasPrefix(args[2]) ? String(op.path.dropFirst(args[2].count + 1)) : op.path)"
            )
        }
        say("done \(FaultPlan.shared.operationCount)")
    }
#else
    // The fault plan exists only in debug builds, so a release build (`swift build -c release`) builds
    // this probe as a stub that says so; the harness always runs the debug build.
    FileHandle.standardError.write(
        Data("CrashProbe needs a debug build (swift build); the fault plan is compiled out of release.\n".utf8))
    exit(64)
#endif
