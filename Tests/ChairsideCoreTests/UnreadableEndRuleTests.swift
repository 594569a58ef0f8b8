import ChairsideCore
import Foundation
import TestSupport
import XCTest

/// Issue 14: a session whose journal's end is unreadable is never open, refuses every command but the
/// explicit confirmation, and that confirmation is an event that lets the session go on.
final class UnreadableEndRuleTests: XCTestCase {
    /// A session with its passes and aftercare, whose end the store found unreadable after `afterSeq`.
    func unreadableEnd(status: SessionStatus? = nil) throws -> SessionDriver {
        var d = SessionDriver()
        _ = try d.readyToNeedle()
        try d.run(
            .logPass(
                Pass(zone: "forehead", depth: 0.5, count: 3, pattern: .horizontal, endpoint: .erythema),
                confirmAboveProtocol: false))
        try d.run(.applyPRP(zone: nil, volumeML: 3.5, method: .after))
        try d.run(.applyPostCare(product: "Soothing serum", lot: "S-9"))
        try d.run(.recordAftercare(.handedPrePrinted))
        d.state.unreadable = [
            UnreadableLine(
                firstSeq: d.state.lastSeq + 1, lastSeq: d.state.lastSeq + 1, line: d.state.events.count + 1,
                keptIn: "days/2026-11-21/x.jsonl", openEnded: true)
        ]
        d.state.endUnreadableAfterSeq = d.state.events.last?.seq
        d.state.endStatusPerIndex = status
        return d
    }

    func testAnUnreadableEndIsNeverOpenOrPausedAndSaysWhereTheOriginalIs() throws {
        let d = try unreadableEnd()
        XCTAssertEqual(d.state.status, .inProgress, "as replayed")
        XCTAssertTrue(d.state.endUnreadable)
        XCTAssertFalse(d.state.isOpen)
        XCTAssertEqual(d.state.statusLabel, "end unreadable")
        XCTAssertEqual(
            d.state.endUnreadableText,
            "last event unreadable — status unknown: it may have been completed or voided; see the original in "
                + "line \(d.state.events.count + 1) of days/2026-11-21/x.jsonl")
        XCTAssertEqual(try unreadableEnd(status: .completed).state.statusLabel, "completed per the day index")
    }

    func testEveryCommandButTheConfirmationIsRefused() throws {
        let d = try unreadableEnd()
        for command: SessionCommand in [
            .complete, .note("x"), .pause, .abort(reason: "r"), .amend(text: "a", refersTo: nil),
        ] {
            XCTAssertEqual(d.attempt(command), .endUnreadable, "\(command)")
        }
        XCTAssertEqual(SessionDriver().attempt(.continueAfterUnreadableEnd), .endReadable)
    }

    func testTheConfirmationIsRecordedWithWhoAndWhenAndThenCompletionWorks() throws {
        var d = try unreadableEnd()
        let after = try XCTUnwrap(d.state.endUnreadableAfterSeq)
        let lastSeq = d.state.lastSeq
        let events = try d.run(.continueAfterUnreadableEnd, after: 5)
        XCTAssertEqual(events.count, 1)
        XCTAssertEqual(events[0].kind, .continuedAfterUnreadableEnd(afterSeq: after))
        XCTAssertEqual(events[0].seq, lastSeq + 1, "after the unreadable line")
        XCTAssertEqual(events[0].by, d.context.actor)
        XCTAssertEqual(events[0].at, d.clock)
        XCTAssertFalse(d.state.endUnreadable)
        XCTAssertTrue(d.state.isOpen)
        XCTAssertFalse(events[0].kind.isVoidable, "the record of why a second completion may exist stands")
        try d.run(.complete)
        XCTAssertEqual(d.state.status, .completed)
        XCTAssertEqual(d.attempt(.continueAfterUnreadableEnd), .endReadable, "once is enough")
    }

    func testAVoidKeepsTheUnreadableEndAndTheChainBreaks() throws {
        var d = try unreadableEnd()
        d.state.chainBreaks = [4]
        let pass = try XCTUnwrap(d.state.passes.first?.seq)
        // A void replays the session: what the store set from the journal must survive it.
        let replayed = d.state.evolve(
            SessionEvent(seq: d.state.lastSeq + 1, at: d.clock, by: "A", kind: .voided(seq: pass, reason: "r")))
        XCTAssertTrue(replayed.endUnreadable)
        XCTAssertEqual(replayed.chainBreaks, [4])
        XCTAssertEqual(replayed.unreadable, d.state.unreadable)
    }

    func testASummaryFromAnOldIndexDecodesAsReadableToItsEnd() throws {
        var d = SessionDriver()
        _ = try d.started()
        var summary = try XCTUnwrap(SessionSummary(state: d.state, journalBytes: 10))
        XCTAssertFalse(summary.endUnreadable)
        let json = try JSONSerialization.jsonObject(with: JSONCoding.encoder().encode(summary)) as! [String: Any]
        let old = json.filter { !["endUnreadableAfter", "endStatusPerIndex", "chainBreaks"].contains($0.key) }
        let decoded = try JSONCoding.decoder().decode(
            SessionSummary.self, from: JSONSerialization.data(withJSONObject: old))
        XCTAssertFalse(decoded.endUnreadable)
        XCTAssertEqual(decoded.chainBreaks, [])
        summary.endUnreadableAfter = 3
        XCTAssertEqual(
            try JSONCoding.decoder().decode(SessionSummary.self, from: JSONCoding.encoder().encode(summary)), summary)
        XCTAssertFalse(summary.isOpen)
    }

    func testTheDayTotalsNeverCountAnUnreadableEndAsOpen() throws {
        var d = try unreadableEnd()
        let summary = try XCTUnwrap(SessionSummary(state: d.state, journalBytes: 10))
        let totals = DayTotals([summary], now: d.clock)
        XCTAssertEqual(totals.open, 0)
        XCTAssertEqual(totals.endUnknown, 1)
        d.state.endUnreadableAfterSeq = nil
        XCTAssertEqual(
            DayTotals([try XCTUnwrap(SessionSummary(state: d.state, journalBytes: 10))], now: d.clock).open, 1)
    }

    func testTheDueListCountsItAsItReplaysButNeverAsSomeoneInTheChair() {
        let last = SessionRef(
            sessionID: "s0", startedAt: ClinicDay(string: "2026-10-01")!.start(in: Fixture.utc), status: .completed)
        let unknownEnd = SessionRef(sessionID: "s1", startedAt: Fixture.t0, status: .inProgress, endUnreadable: true)
        let entry = DueList.entry(
            Fixture.patient(), history: [last, unknownEnd], today: ClinicDay(string: "2026-11-21")!,
            timeZone: Fixture.utc, proto: .standard, settings: .standard)
        XCTAssertEqual(entry?.lastSession, ClinicDay(string: "2026-10-01"), "not completed, not in the chair")
        let inChair = SessionRef(sessionID: "s1", startedAt: Fixture.t0, status: .inProgress)
        XCTAssertNil(
            DueList.entry(
                Fixture.patient(), history: [last, inChair], today: ClinicDay(string: "2026-11-21")!,
                timeZone: Fixture.utc, proto: .standard, settings: .standard))
    }

    /// Issue 14, fifth round: after K, chair time is (last event read − start) + (end − the confirmation).
    func testChairTimeLeavesOutTheUnknownStretchBetweenTheLastEventReadAndGoingOn() throws {
        var d = try unreadableEnd()
        let start = try XCTUnwrap(d.state.start?.at)
        let lastRead = try XCTUnwrap(d.state.events.map(\.at).max())
        try d.run(.continueAfterUnreadableEnd, after: 30)
        try d.run(.complete, after: 12)
        let counted = Int(lastRead.timeIntervalSince(start)) + 12 * 60
        XCTAssertEqual(d.state.uncountedSeconds, 30 * 60)
        XCTAssertEqual(d.state.elapsedSeconds(now: d.clock.addingTimeInterval(3600)), counted)
        XCTAssertEqual(
            d.state.chairTimeNote(now: d.clock),
            "chair time ≥ \(Clock.hmm(counted)) (an unreadable stretch of 0:30 is not counted)")
        let summary = try XCTUnwrap(SessionSummary(state: d.state, journalBytes: 10))
        XCTAssertEqual(summary.durationSeconds(now: d.clock), counted, "not to the new end")
        XCTAssertEqual(summary.chairTimeText(now: d.clock), "≥" + Clock.hmm(counted))
        XCTAssertTrue(DayTotals([summary], now: d.clock).line.contains("chair time ≥ \(Clock.hmm(counted))"))
        let decoded = try JSONCoding.decoder().decode(SessionSummary.self, from: JSONCoding.encoder().encode(summary))
        XCTAssertEqual(decoded.uncountedSeconds, 30 * 60, "kept in the day index")
        let row = SessionExport.sessionRow(
            summary, chartNumber: "C", dayAnchor: "a", timeZone: Fixture.utc, now: d.clock)
        XCTAssertEqual(row[SessionExport.sessionColumns.firstIndex(of: "duration_min")!], String(counted / 60))
        XCTAssertEqual(row[SessionExport.sessionColumns.firstIndex(of: "uncounted_min")!], "30")
        let json = RecordJSON.session(
            summary, chartNumber: "C", proto: .standard, timeZone: Fixture.utc, now: d.clock)
        guard case .object(let fields) = json else { return XCTFail("an object") }
        XCTAssertEqual(fields["uncounted_min"], .integer(30))
        XCTAssertEqual(fields["duration_min"], .integer(counted / 60))
    }

    func testAnOpenSessionAfterGoingOnCountsToNowLessTheStretch() throws {
        var d = try unreadableEnd()
        let start = try XCTUnwrap(d.state.start?.at)
        let lastRead = try XCTUnwrap(d.state.events.map(\.at).max())
        try d.run(.continueAfterUnreadableEnd, after: 20)
        let now = d.clock.addingTimeInterval(5 * 60)
        XCTAssertEqual(d.state.elapsedSeconds(now: now), Int(lastRead.timeIntervalSince(start)) + 5 * 60)
    }

    func testChairTimeWithoutAnUnreadableStretchIsUnchanged() throws {
        var d = SessionDriver()
        _ = try d.readyToNeedle()
        let start = try XCTUnwrap(d.state.start?.at)
        let summary = try XCTUnwrap(SessionSummary(state: d.state, journalBytes: 10))
        XCTAssertNil(summary.uncountedSeconds)
        XCTAssertNil(d.state.chairTimeNote(now: d.clock))
        XCTAssertEqual(summary.chairTimeText(now: d.clock), Clock.hmm(Int(d.clock.timeIntervalSince(start))))
        XCTAssertFalse(DayTotals([summary], now: d.clock).line.contains("≥"))
        let row = SessionExport.sessionRow(
            summary, chartNumber: "C", dayAnchor: "a", timeZone: Fixture.utc, now: d.clock)
        XCTAssertEqual(row.last, "", "uncounted_min is empty")
    }
}
