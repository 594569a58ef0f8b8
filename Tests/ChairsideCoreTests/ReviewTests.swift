import ChairsideCore
import TestSupport
import XCTest

final class ReviewTests: XCTestCase {
    private func summary(_ state: SessionState) throws -> SessionSummary {
        try XCTUnwrap(SessionSummary(state: state, journalBytes: 0))
    }

    /// A completed session `daysAgo` before t0, with the given passes.
    private func session(
        daysAgo: Int, id: String, passes: [(String, Double)], neurotoxin: ClinicDay? = nil,
        complete: Bool = true
    ) throws -> SessionState {
        var d = SessionDriver(id: id)
        d.clock = Fixture.t0.addingTimeInterval(-Double(daysAgo) * 86_400)
        try d.run(
            .start(
                patient: Fixture.patient(), technician: "Alex Rivera", room: "Room 1",
                plannedZones: ["forehead", "cheeks"]), after: 0)
        var answers = Fixture.noScreeningFlags()
        if let neurotoxin, let i = answers.firstIndex(where: { $0.item == "neurotoxin" }) {
            answers[i] = ScreeningAnswer(item: "neurotoxin", present: false, lastDate: neurotoxin)
        }
        try d.run(.recordScreening(answers: answers))
        try d.run(.recordConsent(signedBy: "José Müller"))
        try d.run(.skipNumbing(reason: "patient declined"))
        try d.run(.cleanseSkin)
        for (zone, depth) in passes {
            try d.run(
                .logPass(
                    Pass(zone: zone, depth: depth, count: 2, pattern: .horizontal, endpoint: .erythema),
                    confirmAboveProtocol: false))
        }
        if complete {
            try d.run(.applyPostCare(product: "Serum", lot: "S"))
            try d.run(.recordAftercare(.handedPrePrinted))
            try d.run(.completeWithReasons([.noPRPApplied: "patient declined the blood draw"]))
        }
        return d.state
    }

    func testHistoryGivesIntervalsSeriesAndDepthPerZone() throws {
        let sessions = [
            try summary(session(daysAgo: 70, id: "s1", passes: [("forehead", 0.5)])),
            try summary(
                session(
                    daysAgo: 42, id: "s2", passes: [("forehead", 0.5), ("cheeks", 1.0), ("cheeks", 1.5)],
                    neurotoxin: ClinicDay(string: "2026-09-20"))),
            try summary(session(daysAgo: 20, id: "s3", passes: [("cheeks", 1.0)], complete: false)),
            try summary(
                session(daysAgo: 0, id: "s4", passes: [("nose", 0.25)], neurotoxin: ClinicDay(string: "2026-08-01"))),
        ]
        let h = PatientHistory(
            sessions: sessions.reversed(), protocolSettings: .standard, aftercare: .standard, timeZone: Fixture.utc)
        XCTAssertEqual(h.rows.map(\.summary.id), ["s1", "s2", "s3", "s4"])
        XCTAssertEqual(h.rows.map(\.intervalDays), [nil, 28, 22, 20])
        XCTAssertEqual(h.rows.map(\.series), [1, 2, nil, 3], "the open session is not in the series count")
        XCTAssertEqual(h.zones, ["forehead", "nose", "cheeks"], "in the protocol's order")
        XCTAssertEqual(h.depth(h.rows[1], zone: "cheeks")?.range, "1.00–1.50")
        XCTAssertEqual(h.depth(h.rows[1], zone: "cheeks")?.passes, 4)
        XCTAssertNil(h.depth(h.rows[0], zone: "cheeks"))
        XCTAssertEqual(
            h.lastDates["neurotoxin"], ClinicDay(string: "2026-09-20"),
            "the latest date given, not the latest session's")
    }

    func testVoidedPassesAndAmendmentsShowInTheSummary() throws {
        var d = SessionDriver()
        _ = try d.readyToNeedle()
        try d.run(
            .logPass(
                Pass(zone: "cheeks", depth: 1.5, count: 3, pattern: .vertical, endpoint: .erythema),
                confirmAboveProtocol: false))
        let wrong = d.state.lastSeq
        try d.run(
            .logPass(
                Pass(zone: "forehead", depth: 0.5, count: 1, pattern: .vertical, endpoint: .erythema),
                confirmAboveProtocol: false))
        try d.run(.void(seq: wrong, reason: "logged on the wrong zone"))
        try d.run(.applyPRP(zone: nil, volumeML: 2, method: .after))
        try d.run(.applyPostCare(product: "Serum", lot: "S"))
        try d.run(.recordAftercare(.declined(reason: "has one")))
        try d.run(.complete)
        try d.run(.amend(text: "PRP was 2.5 mL, not 2", refersTo: nil))
        let s = try summary(d.state)
        XCTAssertEqual(s.zoneDepths, [ZoneDepths(zone: "forehead", min: 0.5, max: 0.5, passes: 1)])
        XCTAssertEqual(s.passes, 1)
        XCTAssertEqual(s.deepest, 0.5)
        XCTAssertEqual(s.amendments, 1)
        XCTAssertEqual(s.aftercare, "declined")
        XCTAssertEqual(s.prpAppliedML, 2)
        let rows = SessionExport.passRows(d.state, timeZone: Fixture.utc)
        XCTAssertEqual(rows.count, 1, "the voided pass is not exported")
        XCTAssertEqual(rows[0][5], "forehead")
    }

    func testDayTotalsCountStatusesChairTimeAndPRP() throws {
        let done = try summary(session(daysAgo: 0, id: "a", passes: [("forehead", 0.5)]))
        var open = try summary(session(daysAgo: 0, id: "b", passes: [("cheeks", 1.0)], complete: false))
        open.prpAppliedML = 2.5
        let totals = DayTotals([done, open], now: open.startedAt.addingTimeInterval(3600))
        XCTAssertEqual(totals.sessions, 2)
        XCTAssertEqual(totals.completed, 1)
        XCTAssertEqual(totals.open, 1)
        XCTAssertEqual(totals.chairSeconds, done.durationSeconds(now: .distantFuture) + 3600)
        XCTAssertTrue(totals.line.hasSuffix("PRP 2.5 mL"), totals.line)
    }

    func testCSVQuotesWhatNeedsItAndDefusesFormulas() {
        XCTAssertEqual(
            CSV.line(["a", "b,c", "say \"hi\"", "two\nlines"]), "a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n")
        XCTAssertEqual(CSV.text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")")
        XCTAssertEqual(CSV.text("+1"), "'+1")
        XCTAssertEqual(CSV.text("Ann\u{1B}[31m"), "Ann^[[31m")
        XCTAssertEqual(CSV.text("O'Brien"), "O'Brien")
    }
}
