import ChairsideCore
import Foundation
import TestSupport
import XCTest

/// Late entries: a session charted after the fact keeps its real times for the rules and the
/// timeline, and says when it was written.
final class LateEntryTests: XCTestCase {
    let day = 86_400.0

    func testTimelineOrdersALateEntryByRealTimeWhileTheJournalKeepsTheOrderOfWriting() {
        let written = Fixture.t0.addingTimeInterval(3 * day)
        let kinds: [(Double, EventKind)] = [
            (0, .started(patientID: "p", patientName: "P", technician: "T", room: "R", plannedZones: ["forehead"])),
            (40, .numbingSkipped(reason: "patient declined")),
            (10, .note(text: "charted out of order: this happened before the numbing decision")),
        ]
        var state = SessionState(id: "20261121-090000-0001")
        for (i, (minutes, kind)) in kinds.enumerated() {
            state = state.evolve(
                SessionEvent(seq: i + 1, at: Fixture.minutes(minutes), by: "T", kind: kind, recordedAt: written))
        }
        XCTAssertTrue(state.isLateEntry)
        XCTAssertEqual(state.events.map(\.seq), [1, 2, 3])
        XCTAssertEqual(state.eventsByRealTime.map(\.seq), [1, 3, 2])
        XCTAssertEqual(
            EventDescription.lateNote(state.events[0], timeZone: Fixture.utc), "late entry, written 2026-11-24 09:00")
        XCTAssertEqual(SessionSummary(state: state, journalBytes: 0)?.chartedAt, written)
    }

    func testALiveSessionIsNotALateEntryAndKeepsItsOrder() throws {
        var d = SessionDriver()
        _ = try d.screened()
        XCTAssertFalse(d.state.isLateEntry)
        XCTAssertNil(EventDescription.lateNote(d.state.events[0], timeZone: Fixture.utc))
        XCTAssertEqual(d.state.eventsByRealTime, d.state.events)
        XCTAssertNil(SessionSummary(state: d.state, journalBytes: 0)?.chartedAt)
    }

    /// A session charted today for ten days ago: the interval rule measures from its real start, and
    /// a session the patient had after it does not count against it.
    func testIntervalRuleUsesTheLateEntrysRealStartAndIgnoresLaterSessions() throws {
        let realStart = Fixture.t0.addingTimeInterval(-10 * day)
        let before = SessionRef(
            sessionID: "20261001-090000-0001", startedAt: realStart.addingTimeInterval(-20 * day), status: .completed)
        let after = SessionRef(
            sessionID: "20261115-090000-0001", startedAt: realStart.addingTimeInterval(4 * day), status: .completed)
        let command = SessionCommand.start(
            patient: Fixture.patient(), technician: "Alex Rivera", room: "Room 1", plannedZones: ["forehead"])
        let events = try Decider.decide(
            command, state: SessionState(id: "20261111-090000-0001"),
            context: Fixture.context(history: [before, after]), now: realStart)
        XCTAssertEqual(events.map(\.at), Array(repeating: realStart, count: events.count))
        XCTAssertTrue(
            events.contains {
                $0.kind
                    == .warning(
                        code: "interval", message: "Last session was 20 days ago; the protocol asks for at least 28.")
            }, "\(events.map(\.kind))")
    }

    /// Dwell and PRP age come from the step times given, not from when they were typed.
    func testDwellIsMeasuredBetweenTheRealTimesOfTheSteps() throws {
        var d = SessionDriver()
        _ = try d.screened()
        try d.run(.applyNumbing(agent: "BLT", lot: "N-1", zones: ["forehead"], dwellTargetMinutes: 30))
        let removed = try d.run(.removeNumbing, after: 55)
        XCTAssertTrue(removed.contains { $0.kind == .numbingRemoved(dwellSeconds: 55 * 60) }, "\(removed)")
        XCTAssertTrue(
            removed.contains { if case .warning = $0.kind { true } else { false } }, "a dwell past the limit warns")
    }

    func testLateEntryRoundTripsThroughTheJournalFormatAndALiveEventOmitsTheField() throws {
        let late = SessionEvent(
            seq: 1, at: Fixture.t0, by: "T", kind: .completed, recordedAt: Fixture.t0.addingTimeInterval(3600))
        let live = SessionEvent(seq: 2, at: Fixture.t0, by: "T", kind: .completed)
        let enc = JSONCoding.encoder()
        let dec = JSONCoding.decoder()
        XCTAssertEqual(try dec.decode(SessionEvent.self, from: enc.encode(late)), late)
        let liveText = String(decoding: try enc.encode(live), as: UTF8.self)
        XCTAssertFalse(liveText.contains("recordedAt"), liveText)
        XCTAssertEqual(try dec.decode(SessionEvent.self, from: enc.encode(live)), live)
    }
}

extension LateEntryTests {
    func testTheAftercareSheetSaysWhenALateEntryWasCharted() throws {
        let written = Fixture.t0.addingTimeInterval(3 * day)
        var d = SessionDriver()
        _ = try d.screened()
        let late = d.state.events.reduce(SessionState(id: d.state.id)) { state, e in
            var marked = e
            marked.recordedAt = written
            return state.evolve(marked)
        }
        let sheet = AftercareSheet(state: late, history: [], config: .standard, timeZone: Fixture.utc)
        XCTAssertEqual(sheet.chartedLate, "Tuesday 24 November 2026 at 09:00")
        let live = AftercareSheet(state: d.state, history: [], config: .standard, timeZone: Fixture.utc)
        XCTAssertEqual(live.chartedLate, "")
    }

    /// Numbing off at 09:53, then a late step timed 09:23 would chart cleansing (and needling) before
    /// the cream came off: refused, naming the last step's time. A live session's clock is not judged.
    func testALateStepTimedBeforeTheLastRecordedStepIsRefusedNamingThatTime() throws {
        var d = SessionDriver()
        _ = try d.screened()
        try d.run(.applyNumbing(agent: "BLT", lot: "N-1", zones: ["forehead"], dwellTargetMinutes: 30))
        try d.run(.removeNumbing, after: 50)
        XCTAssertNil(d.attempt(.cleanseSkin, after: -30), "a live session is not refused for its clock")
        let written = Fixture.t0.addingTimeInterval(3 * day)
        d.state = d.state.events.reduce(SessionState(id: d.state.id)) { state, event in
            var late = event
            late.recordedAt = written
            return state.evolve(late)
        }
        let refusal = d.attempt(.cleanseSkin, after: -30)
        XCTAssertEqual(refusal, .stepBeforeLastStep("09:53"))
        XCTAssertEqual(
            refusal?.description,
            "The session's last step was recorded at 09:53; give this step a time at or after 09:53.")
        XCTAssertEqual(d.attempt(.note("charted late"), after: -1), .stepBeforeLastStep("09:53"))
        XCTAssertNil(d.attempt(.cleanseSkin, after: 0), "the same minute as the last step is fine")
    }
}
