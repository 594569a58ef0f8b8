import ChairsideCore
import ChairsidePrinting
import ChairsideTerminal
import Foundation
import TestSupport
import XCTest

/// The console's update on its own: messages in, model and effects out. No store, no terminal,
/// no printer; what would touch them is an effect value the test reads.
final class UpdateTests: XCTestCase {
    var now = Fixture.t0

    func model(width: Int = 80, height: Int = 24) -> AppModel {
        var config = ClinicConfig.standard
        config.privacyAfterMinutes = 0
        let env = ConsoleEnvironment(
            aftercareFolder: "/store/aftercare", workingDirectory: "/work",
            newSessionID: { _, _ in "20261121-090000-0001" })
        return AppModel(config: config, timeZone: Fixture.utc, width: width, height: height, now: now, env: env)
    }

    /// The effects of a message, less the header's periodic read of the replica status.
    func send(_ m: inout AppModel, _ message: Message) -> [Effect] {
        ConsoleUpdate.update(&m, message, now: now).filter { $0 != .readReplicaStatus }
    }

    func testTicksReadTheReplicaStatusEveryFewSecondsWithoutHoldingKeys() {
        var m = model()
        XCTAssertEqual(ConsoleUpdate.update(&m, .tick, now: now), [.readReplicaStatus])
        XCTAssertEqual(ConsoleUpdate.update(&m, .tick, now: now.addingTimeInterval(1)), [])
        XCTAssertEqual(m.waiting, 0, "reading it never holds the keys")
        _ = ConsoleUpdate.update(&m, .result(.replicaStatus("replica: 3 events waiting")), now: now)
        XCTAssertTrue(AppView.render(m, now: now).text.contains("replica: 3 events waiting"))
        XCTAssertEqual(ConsoleUpdate.update(&m, .tick, now: now.addingTimeInterval(6)), [.readReplicaStatus])
    }

    func testTheRoomKeySwitchesTodayBetweenThisRoomAndAllRooms() {
        var m = model()
        _ = ConsoleUpdate.start(&m)
        _ = send(&m, .result(.dayLoaded(m.today.day, [], anchor: nil)))
        XCTAssertEqual(send(&m, .key(.char("a"))), [.loadDayAllRooms(m.today.day)])
        _ = send(&m, .result(.dayLoaded(m.today.day, [], anchor: nil)))
        XCTAssertTrue(AppView.render(m, now: now).text.contains("all rooms"))
        XCTAssertEqual(send(&m, .key(.char("a"))), [.loadDay(m.today.day)])
    }

    func keys(_ m: inout AppModel, _ keys: Key...) -> [Effect] { keys.flatMap { send(&m, .key($0)) } }

    /// A model with a session open at the given state, as the runner would report it.
    func inSession(_ driver: SessionDriver) -> AppModel {
        var m = model()
        _ = ConsoleUpdate.start(&m)
        _ = send(&m, .result(.dayLoaded(m.today.day, [], anchor: nil)))
        let opened = OpenedSession(state: driver.state, patient: Fixture.patient(), history: [], isNew: false)
        _ = send(&m, .result(.sessionOpened(opened)))
        now = driver.clock.addingTimeInterval(60)
        return m
    }

    func testStartAsksForTodayAndKeysWaitUntilItComes() {
        var m = model()
        XCTAssertEqual(ConsoleUpdate.start(&m), [.loadDay(ClinicDay(now, timeZone: Fixture.utc)), .loadLots])
        XCTAssertEqual(keys(&m, .char("n")), [], "a key typed while the day loads waits its turn")
        XCTAssertEqual(m.screen, .today)
        let effects = send(&m, .result(.dayLoaded(m.today.day, [], anchor: nil)))
        XCTAssertEqual(effects, [.searchPatients("")], "the held key runs once the store answered")
        XCTAssertEqual(m.screen, .newSession)
    }

    func testTypeAheadSearchesOnceForEveryKeyInOrder() {
        var m = model()
        _ = ConsoleUpdate.start(&m)
        _ = send(&m, .result(.dayLoaded(m.today.day, [], anchor: nil)))
        XCTAssertEqual(keys(&m, .char("n")), [.searchPatients("")])
        _ = send(&m, .result(.patientsFound(query: "", [])))
        XCTAssertEqual(keys(&m, .char("j"), .char("o")), [.searchPatients("j")])
        XCTAssertEqual(send(&m, .result(.patientsFound(query: "j", [Fixture.patient()]))), [.searchPatients("jo")])
        XCTAssertEqual(m.newSession.query, "jo")
        XCTAssertEqual(m.newSession.results, [Fixture.patient()], "the answer for \"j\" is shown until \"jo\" comes")
    }

    func testRecordingAppendsAndShowsTheEventOnlyOnceStored() throws {
        var d = SessionDriver()
        _ = try d.screened()
        var m = inSession(d)
        let effects = keys(&m, .char("3"), .char("k"))
        XCTAssertNotNil(m.overlay, "skip numbing asks for a reason")
        for c in "Patient declined" { _ = keys(&m, .char(c)) }
        let appended = keys(&m, .enter)
        XCTAssertEqual(effects, [])
        guard case .append(let id, let events)? = appended.first, appended.count == 1 else {
            return XCTFail("expected one append, got \(appended)")
        }
        XCTAssertEqual(id, d.state.id)
        XCTAssertEqual(events.map(\.kind), [.numbingSkipped(reason: "Patient declined")])
        XCTAssertNil(m.session?.state.numbingSkipReason, "nothing shows as recorded before the store says so")
        let next = d.state.evolve(events[0])
        _ = send(&m, .result(.stored(events: events, state: next, indexWarning: nil)))
        XCTAssertEqual(m.session?.state.numbingSkipReason, "Patient declined")
        XCTAssertNil(m.overlay)
        XCTAssertEqual(m.status?.text, "Recorded: Numbing skipped: Patient declined")
    }

    func testAFailedAppendKeepsTheFormAndWhatWasTyped() throws {
        var d = SessionDriver()
        _ = try d.screened()
        var m = inSession(d)
        _ = keys(&m, .char("n"))
        for c in "Calm" { _ = keys(&m, .char(c)) }
        XCTAssertEqual(keys(&m, .enter).count, 1)
        _ = send(&m, .result(.failed(Failure(.append, "The disk is full.", sessionOnDisk: d.state))))
        guard case .form(let form)? = m.overlay else { return XCTFail("the form closed") }
        XCTAssertEqual(form.value(of: "Note")?.text, "Calm")
        XCTAssertEqual(form.error, "The disk is full.")
        XCTAssertFalse(form.saving)
    }

    func testPrintingRunsAsAnEffectAndASecondPrintIsRefused() throws {
        var d = SessionDriver()
        _ = try d.treated()
        var m = inSession(d)
        _ = keys(&m, .char("7"), .char("v"))
        let print = keys(&m, .char("p"))
        guard case .printAftercare(let sheet, nil, .a4)? = print.first, print.count == 1 else {
            return XCTFail("\(print)")
        }
        XCTAssertTrue(sheet.text.contains("José Müller"))
        XCTAssertTrue(sheet.html.contains("José Müller"), "the typeset page goes to the printer")
        XCTAssertNotNil(m.printing)
        XCTAssertEqual(keys(&m, .char("p")), [], "a second print of the same sheet is refused")
        XCTAssertEqual(m.status?.text, "This sheet is already printing; wait for it to finish before printing again.")
        XCTAssertEqual(keys(&m, .down), [], "keys keep working while it prints")
        XCTAssertEqual(keys(&m, .escape, .char("q")), [], "the session cannot be left while its sheet prints")
        XCTAssertEqual(m.screen, .session)
        let recorded = send(&m, .result(.printed(PrintJob(printer: "front-desk", jobID: "front-desk-7"), note: nil)))
        guard case .append(_, let events)? = recorded.first else { return XCTFail("\(recorded)") }
        XCTAssertEqual(
            events.first?.kind, .aftercareGiven(delivery: .printed(printer: "front-desk", jobID: "front-desk-7")))
        XCTAssertNil(m.printing)
    }

    func testTheNumbingAlertRingsOnceWhilePrinting() throws {
        var d = SessionDriver()
        _ = try d.started()
        try d.run(.recordScreening(answers: Fixture.noScreeningFlags()))
        try d.run(.recordConsent(signedBy: "José Müller"))
        try d.run(.applyNumbing(agent: "BLT", lot: "N-1", zones: ["forehead"], dwellTargetMinutes: 30))
        var m = inSession(d)
        m.printing = PrintRequest(sessionID: d.state.id)
        now = d.clock.addingTimeInterval(29 * 60)
        XCTAssertEqual(send(&m, .tick), [])
        now = d.clock.addingTimeInterval(30 * 60)
        XCTAssertEqual(send(&m, .tick), [.bell])
        XCTAssertEqual(send(&m, .tick), [], "once")
    }

    func testLeavingClosesTheSessionAndReloadsTheDay() throws {
        var d = SessionDriver()
        _ = try d.screened()
        var m = inSession(d)
        XCTAssertEqual(keys(&m, .char("q")), [])
        XCTAssertEqual(keys(&m, .char("y")), [.closeSession, .loadDay(m.today.day)])
        XCTAssertNil(m.session)
    }

    func testStartingASessionReadsTheHistoryThenBeginsTheJournal() {
        var m = model()
        _ = ConsoleUpdate.start(&m)
        _ = send(&m, .result(.dayLoaded(m.today.day, [], anchor: nil)))
        _ = keys(&m, .char("n"))
        _ = send(&m, .result(.patientsFound(query: "", [Fixture.patient()])))
        _ = keys(&m, .enter, .tab, .tab, .char(" "))
        XCTAssertEqual(keys(&m, .enter), [.loadHistory(patientID: "p-0001")])
        let begin = send(&m, .result(.historyLoaded(patientID: "p-0001", patient: Fixture.patient(), sessions: [])))
        guard case .beginSession(let id, let events)? = begin.first else { return XCTFail("\(begin)") }
        XCTAssertEqual(id, "20261121-090000-0001")
        guard case .started(let patientID, _, _, _, _)? = events.first?.kind else { return XCTFail("\(events)") }
        XCTAssertEqual(patientID, "p-0001")
    }

    func testUndoOffersOnlyWhatTheCoreSaysCanBeVoided() throws {
        var d = SessionDriver()
        _ = try d.screened()
        try d.run(.note("calm"))
        var m = inSession(d)
        _ = keys(&m, .char("u"))
        guard case .form(let form)? = m.overlay, case .choice(let options, _)? = form.value(of: "Event")?.value else {
            return XCTFail("no undo form")
        }
        XCTAssertEqual(
            options.map { String($0.prefix(3)) }, ["#3 ", "#2 "], "consent and screening, never the note or the start")
    }

    func testRefusalsNameTheConsoleKeyButTheCoreWordsDoNot() throws {
        var d = SessionDriver()
        _ = try d.started()
        var m = inSession(d)
        _ = keys(&m, .char("3"), .char("r"))
        XCTAssertEqual(m.status?.text, "Record the screening first: nothing clinical happens before it. [panel 1, s]")
        for refusal in [
            Refusal.consentFirst, .numbingStillOn, .skinNotCleansed, .sessionPaused, .screeningAlreadyRecorded,
        ] {
            XCTAssertFalse(refusal.description.contains("key"), refusal.description)
            XCTAssertFalse(refusal.description.contains("panel"), refusal.description)
            XCTAssertNotNil(refusal.remedy)
        }
    }

    func testQuestionMarkOpensHelpOnEveryScreenAndOverlay() throws {
        var d = SessionDriver()
        _ = try d.treated()
        var m = inSession(d)
        let screens: [([Key], String)] = [
            ([.char("7"), .char("v")], "preview"), ([.char("T")], "theme picker"),
            ([.char("t")], "detail"), ([.char("1")], "panel 1"), ([.char("4")], "panel 4"),
        ]
        for (setup, name) in screens {
            _ = keys(&m, .escape)
            m.overlay = nil
            m.session?.detail = false
            _ = keys(&m, setup)
            _ = keys(&m, .char("?"))
            XCTAssertTrue(m.helpOpen, name)
            let text = AppView.render(m, now: now).text
            XCTAssertTrue(text.contains("any key closes this help"), "\(name):\n\(text)")
            XCTAssertFalse(text.contains("more: enlarge"), "every key fits at 80×24 (\(name)):\n\(text)")
            _ = keys(&m, .char("x"))
            XCTAssertFalse(m.helpOpen)
        }
    }

    func keys(_ m: inout AppModel, _ list: [Key]) -> [Effect] { list.flatMap { send(&m, .key($0)) } }
}
