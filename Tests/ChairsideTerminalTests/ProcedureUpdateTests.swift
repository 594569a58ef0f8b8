import ChairsideCore
import ChairsideTerminal
import Foundation
import TestSupport
import XCTest

/// The procedure's checks in the console's update: what each key asks, and the effects it returns.
final class ProcedureUpdateTests: XCTestCase {
    var now = Fixture.t0

    func model() -> AppModel {
        var config = ClinicConfig.standard
        config.privacyAfterMinutes = 0
        let env = ConsoleEnvironment(
            aftercareFolder: "/store/aftercare", workingDirectory: "/work",
            newSessionID: { _, _ in "20261121-090000-0001" })
        return AppModel(config: config, timeZone: Fixture.utc, width: 80, height: 24, now: now, env: env)
    }

    func send(_ m: inout AppModel, _ message: Message) -> [Effect] {
        ConsoleUpdate.update(&m, message, now: now).filter { $0 != .readReplicaStatus }
    }

    func keys(_ m: inout AppModel, _ keys: Key...) -> [Effect] { keys.flatMap { send(&m, .key($0)) } }

    func type(_ m: inout AppModel, _ text: String) { for c in text { _ = send(&m, .key(.char(c))) } }

    func inSession(_ driver: SessionDriver, history: [SessionRef] = []) -> (AppModel, [Effect]) {
        var m = model()
        _ = ConsoleUpdate.start(&m)
        _ = send(&m, .result(.dayLoaded(m.today.day, [], anchor: nil)))
        let opened = OpenedSession(state: driver.state, patient: Fixture.patient(), history: history, isNew: false)
        let effects = send(&m, .result(.sessionOpened(opened)))
        now = driver.clock.addingTimeInterval(60)
        return (m, effects)
    }

    private func appended(_ effects: [Effect]) -> [EventKind] {
        effects.flatMap { effect -> [EventKind] in
            guard case .append(_, let events) = effect else { return [] }
            return events.map(\.kind)
        }
    }

    func testTheLastScreeningIsLoadedAsAnEffectAndOnlyOfferedUntilL() throws {
        var d = SessionDriver()
        _ = try d.started()
        let earlier = SessionRef(
            sessionID: "20261020-090000-0001", startedAt: Fixture.t0.addingTimeInterval(-32 * 86_400),
            status: .completed)
        var (m, effects) = inSession(d, history: [earlier])
        XCTAssertEqual(effects, [.loadLastScreening(patientID: "p-0001", excluding: d.state.id)])
        let answers = [ScreeningAnswer(item: "filler", present: true, lastDate: ClinicDay(string: "2026-08-01"))]
        _ = send(
            &m,
            .result(.lastScreeningLoaded(sessionID: d.state.id, day: ClinicDay(string: "2026-10-20"), answers: answers))
        )
        XCTAssertEqual(m.session?.draftAnswers, [:], "offered, never copied unasked")
        _ = keys(&m, .char("L"))
        XCTAssertEqual(m.session?.draftAnswers["filler"], true)
        XCTAssertEqual(m.session?.draftDates["filler"], ClinicDay(string: "2026-08-01"))
        _ = keys(&m, .char("s"))
        guard case .confirm(let question)? = m.overlay else { return XCTFail("saving asks first") }
        XCTAssertTrue(question.text.contains("last visit's answers"), question.text)
        let saved = appended(keys(&m, .char("y")))
        XCTAssertEqual(
            saved.first,
            .screeningRecorded(
                answers: Fixture.proto.contraindications.map {
                    ScreeningAnswer(
                        item: $0.id, present: $0.id == "filler",
                        lastDate: $0.id == "filler" ? ClinicDay(string: "2026-08-01") : nil)
                }))
    }

    func testLastVisitsAnswersNeverReplaceTodaysWithoutAYes() throws {
        var d = SessionDriver()
        _ = try d.started()
        let earlier = SessionRef(
            sessionID: "20261020-090000-0001", startedAt: Fixture.t0.addingTimeInterval(-32 * 86_400),
            status: .completed)
        var (m, _) = inSession(d, history: [earlier])
        let answers = [ScreeningAnswer(item: "filler", present: true, lastDate: ClinicDay(string: "2026-08-01"))]
        _ = send(
            &m,
            .result(.lastScreeningLoaded(sessionID: d.state.id, day: ClinicDay(string: "2026-10-20"), answers: answers))
        )
        let first = try XCTUnwrap(Fixture.proto.contraindications.first { $0.withinDays == nil }?.id)
        m.session?.draftAnswers[first] = true
        _ = keys(&m, .char("L"))
        guard case .confirm? = m.overlay else { return XCTFail("today's answers would be dropped without asking") }
        _ = keys(&m, .char("n"))
        XCTAssertEqual(m.session?.draftAnswers, [first: true], "no keeps today's answers")
        _ = keys(&m, .char("L"), .char("y"))
        XCTAssertEqual(m.session?.draftAnswers["filler"], true)
        XCTAssertNil(m.session?.draftAnswers[first])
    }

    func testMarkingATimeBoundItemAsksWhenAndShowsTheDateBeforeSaving() throws {
        var d = SessionDriver()
        _ = try d.started()
        var (m, _) = inSession(d)
        for _ in 0..<10 { _ = keys(&m, .down) }  // Neurotoxin in the last 2 weeks
        _ = keys(&m, .char(" "))
        guard case .form(let form)? = m.overlay else { return XCTFail("a time-bound item asks when") }
        XCTAssertEqual(form.title, "Neurotoxin in the last 2 weeks")
        type(&m, "5x")
        XCTAssertEqual(keys(&m, .enter), [])
        guard case .form(let refused)? = m.overlay else { return XCTFail("a wrong entry keeps the form") }
        XCTAssertEqual(
            refused.error,
            "When (date, or 5d, 3w, 6m ago): type a date like 2026-11-16, or a time ago like 5d, 3w or 6m"
                + " (days, weeks, months).")
        _ = keys(&m, .ctrl("u"))
        type(&m, "5d")
        guard case .form(let typing)? = m.overlay else { return XCTFail("still typing") }
        XCTAssertEqual(typing.content.liveNote, "= 2026-11-16 (5 d ago)", "the date shows while it is typed")
        XCTAssertEqual(keys(&m, .enter), [], "nothing is saved yet: the date shows first")
        XCTAssertNil(m.overlay)
        XCTAssertEqual(m.session?.draftDates["neurotoxin"], ClinicDay(string: "2026-11-16"))
        XCTAssertEqual(
            m.status?.text, "Neurotoxin in the last 2 weeks: 16 Nov 2026 (5 days ago); a warning will be recorded.")
        let saved = appended(keys(&m, .char("s"), .char("y")))
        XCTAssertEqual(
            saved.last,
            .warning(
                code: "screening.neurotoxin",
                message: "Screening: Neurotoxin in the last 2 weeks (last: 16 Nov 2026 (5 days ago))."))
    }

    func testTypedDepthGoesStraightToTheRecordUnlessItCrossesTheMaximum() throws {
        var d = SessionDriver()
        _ = try d.readyToNeedle()
        var (m, _) = inSession(d)
        _ = keys(&m, .char("4"), .char("d"))  // Forehead: default 0.50, protocol maximum 0.75
        _ = keys(&m, .ctrl("u"))
        type(&m, "0.8")
        _ = keys(&m, .enter)
        guard case .form(let form)? = m.overlay else { return XCTFail("an off-step depth keeps the form") }
        XCTAssertEqual(form.error, "Depth (mm): the device moves in 0.25 mm steps; type 0.75 mm or 1.00 mm.")
        _ = keys(&m, .ctrl("u"))
        type(&m, "3")
        _ = keys(&m, .enter)
        guard case .form(let deep)? = m.overlay else { return XCTFail("past the device keeps the form") }
        XCTAssertEqual(deep.error, "Depth (mm): the device goes to 2.50 mm at most; type a shallower depth.")
        _ = keys(&m, .ctrl("u"))
        type(&m, "1.25")
        XCTAssertEqual(keys(&m, .enter), [], "crossing above the maximum asks first")
        guard case .confirm(let question)? = m.overlay else { return XCTFail("expected a question") }
        XCTAssertTrue(question.text.contains("above the protocol maximum"))
        let up = appended(keys(&m, .char("y")))
        XCTAssertEqual(up, [.depthChanged(zone: "forehead", from: 0.5, to: 1.25, aboveProtocolConfirmed: true)])
        let upEvents = up.enumerated().map {
            SessionEvent(seq: d.state.lastSeq + 1 + $0.offset, at: now, by: "Alex Rivera", kind: $0.element)
        }
        _ = send(
            &m, .result(.stored(events: upEvents, state: upEvents.reduce(d.state) { $0.evolve($1) }, indexWarning: nil))
        )
        let down = appended(keys(&m, .char("-")))
        XCTAssertNil(m.overlay, "going shallower never asks, even while still above the maximum")
        XCTAssertEqual(down, [.depthChanged(zone: "forehead", from: 1.25, to: 1.0, aboveProtocolConfirmed: false)])
    }

    func testCompletingWithoutPRPOrPostCareOpensTheReasonsForm() throws {
        var d = SessionDriver()
        _ = try d.readyToNeedle()
        try d.run(
            .logPass(
                Pass(zone: "cheeks", depth: 1.0, count: 2, pattern: .horizontal, endpoint: .erythema),
                confirmAboveProtocol: false))
        try d.run(.applyPostCare(product: "Serum", lot: "S"))
        try d.run(.recordAftercare(.handedPrePrinted))
        var (m, _) = inSession(d)
        XCTAssertEqual(keys(&m, .char("C")), [])
        guard case .form(let form)? = m.overlay else { return XCTFail("no PRP applied asks for a reason") }
        XCTAssertEqual(form.fields.map(\.label), ["Why no PRP was applied"])
        _ = keys(&m, .enter)
        guard case .form(let empty)? = m.overlay else { return XCTFail("a reason is needed") }
        XCTAssertEqual(
            empty.error,
            "Why no PRP was applied: say why (growth factors used instead, patient declined …), or press Esc and"
                + " record it first.")
        type(&m, "patient declined the blood draw")
        XCTAssertEqual(
            appended(keys(&m, .enter)),
            [
                .warning(
                    code: "completion.no-prp-applied",
                    message: "No PRP applied; completed because: patient declined the blood draw."),
                .completed,
            ])
    }

    func testAFormErrorMovesTheFocusToTheFieldItNames() throws {
        var d = SessionDriver()
        _ = try d.readyToNeedle()
        try d.run(
            .logPass(
                Pass(zone: "cheeks", depth: 1.0, count: 2, pattern: .horizontal, endpoint: .erythema),
                confirmAboveProtocol: false))
        try d.run(.recordAftercare(.handedPrePrinted))
        var (m, _) = inSession(d)
        _ = keys(&m, .char("C"))
        type(&m, "patient declined")
        _ = keys(&m, .enter)
        guard case .form(let failed)? = m.overlay else { return XCTFail("the post-care reason is missing") }
        XCTAssertTrue(failed.error?.hasPrefix("Why no post-care was applied:") == true, failed.error ?? "")
        XCTAssertEqual(failed.focus, 1, "the focus moves to the field the error names")
        type(&m, "none in stock")
        guard case .form(let typed)? = m.overlay else { return XCTFail("still the form") }
        XCTAssertEqual(typed.value(of: "Why no PRP was applied")?.text, "patient declined")
        XCTAssertEqual(typed.value(of: "Why no post-care was applied")?.text, "none in stock")
    }

    func testAnEmptyRequiredLotIsNamedInTheFormAndFocused() throws {
        var d = SessionDriver()
        _ = try d.screened()
        var (m, _) = inSession(d)
        _ = keys(&m, .char("2"), .char("b"))
        guard case .form(var form)? = m.overlay else { return XCTFail("the blood draw form opens") }
        let lotAt = try XCTUnwrap(form.fields.firstIndex { $0.label == "Tube / kit lot" })
        form.focus = lotAt
        m.overlay = .form(form)
        _ = keys(&m, .ctrl("u"), .up, .up)
        _ = keys(&m, .enter)
        guard case .form(let failed)? = m.overlay else { return XCTFail("an empty lot keeps the form") }
        XCTAssertEqual(failed.error, "Tube / kit lot: this is needed; fill it in and press Enter again.")
        XCTAssertEqual(failed.focus, lotAt)
    }

    func testStoppingTheSpinEarlyAsksAndRecordsItWasShort() throws {
        var d = SessionDriver()
        _ = try d.screened()
        try d.run(.drawBlood(volumeML: 30, tubes: 3, lot: "T"))
        try d.run(.startCentrifuge(CentrifugeProgram(unit: .g, value: 1500, minutes: 8)))
        var (m, _) = inSession(d)
        XCTAssertEqual(keys(&m, .char("2"), .char("x")), [])
        guard case .confirm(let question)? = m.overlay else { return XCTFail("a short spin asks first") }
        XCTAssertEqual(
            question.text,
            "The spin has run 01:00 of its 08:00 program. Stop it now? It will be recorded as short. (y/n)")
        let events = appended(keys(&m, .char("y")))
        XCTAssertEqual(events.first, .centrifugeStopped)
        XCTAssertEqual(events.count, 2)
    }
}
