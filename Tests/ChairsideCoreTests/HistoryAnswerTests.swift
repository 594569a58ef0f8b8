import ChairsideCore
import TestSupport
import XCTest

/// What the patient's history says of screening answers and of the series, on screen and in JSON.
final class HistoryAnswerTests: XCTestCase {
    /// A completed session on `day` (09:00 UTC) whose neurotoxin answer is `answer`.
    private func session(_ id: String, day: String, neurotoxin answer: ScreeningAnswer?) throws -> SessionSummary {
        var d = SessionDriver(id: id)
        d.clock = ClinicDay(string: day)!.start(in: Fixture.utc).addingTimeInterval(9 * 3600)
        _ = try d.started()
        var answers = Fixture.noScreeningFlags()
        if let answer, let i = answers.firstIndex(where: { $0.item == answer.item }) { answers[i] = answer }
        try d.run(.recordScreening(answers: answers))
        var s = try XCTUnwrap(SessionSummary(state: d.state, journalBytes: 0))
        s.status = .completed
        return s
    }

    private func history(_ sessions: [SessionSummary]) -> PatientHistory {
        PatientHistory(sessions: sessions, protocolSettings: .standard, aftercare: .standard, timeZone: Fixture.utc)
    }

    private func json(_ h: PatientHistory) throws -> [String: Any] {
        let doc = RecordJSON.history(
            Fixture.patient(), history: h, proto: .standard, timeZone: Fixture.utc, now: Fixture.t0)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try doc.text().utf8)) as? [String: Any])
    }

    func testAYesWithoutADateShowsAsYesNotADash() throws {
        let undated = ScreeningAnswer(item: "neurotoxin", present: true, lastDate: nil)
        let h = history([try session("s1", day: "2026-11-21", neurotoxin: undated)])
        let neurotoxin = try XCTUnwrap(h.lastDateItems.first { $0.item == "neurotoxin" })
        XCTAssertEqual(neurotoxin.answer, .undated(screenedOn: ClinicDay(string: "2026-11-21")!))
        XCTAssertEqual(neurotoxin.answer?.text, "yes (no date, screened 2026-11-21)")
        XCTAssertNil(h.lastDateItems.first { $0.item == "filler" }?.answer, "never said: still a dash")
        let doc = try json(h)
        XCTAssertEqual(doc["last_screening_undated"] as? [String: String], ["neurotoxin": "2026-11-21"])
        XCTAssertEqual(doc["last_screening_dates"] as? [String: String], [:])
    }

    func testTheLatestScreeningDecidesBetweenADateAndNoDate() throws {
        let dated = ScreeningAnswer(item: "neurotoxin", present: true, lastDate: ClinicDay(string: "2026-09-01"))
        let undated = ScreeningAnswer(item: "neurotoxin", present: true, lastDate: nil)
        let first = try session("s1", day: "2026-09-10", neurotoxin: dated)
        let second = try session("s2", day: "2026-10-20", neurotoxin: undated)
        XCTAssertEqual(
            history([first, second]).lastAnswer("neurotoxin"), .undated(screenedOn: ClinicDay(string: "2026-10-20")!),
            "a later yes with no date is the newer news")
        let redated = ScreeningAnswer(item: "neurotoxin", present: true, lastDate: ClinicDay(string: "2026-10-01"))
        let third = try session("s3", day: "2026-11-21", neurotoxin: redated)
        let h = history([first, second, third])
        XCTAssertEqual(h.lastAnswer("neurotoxin"), .dated(ClinicDay(string: "2026-10-01")!))
        XCTAssertEqual(try json(h)["last_screening_undated"] as? [String: String], [:])
    }

    func testANewerUndatedYesReplacesAnOlderDateInTheJSON() throws {
        let dated = ScreeningAnswer(item: "neurotoxin", present: true, lastDate: ClinicDay(string: "2026-05-15"))
        let undated = ScreeningAnswer(item: "neurotoxin", present: true, lastDate: nil)
        let h = history([
            try session("s1", day: "2026-06-01", neurotoxin: dated),
            try session("s2", day: "2026-11-21", neurotoxin: undated),
        ])
        let doc = try json(h)
        XCTAssertEqual(doc["last_screening_dates"] as? [String: String], [:], "no stale date for neurotoxin")
        XCTAssertEqual(doc["last_screening_undated"] as? [String: String], ["neurotoxin": "2026-11-21"])
        XCTAssertEqual(
            h.lastDateItems.first { $0.item == "neurotoxin" }?.answer?.text, "yes (no date, screened 2026-11-21)")
    }

    func testAYesWithoutADateOnAnItemWithNoWindowIsNotADateItem() throws {
        let pregnant = ScreeningAnswer(item: "pregnancy", present: true, lastDate: nil)
        let h = history([try session("s1", day: "2026-11-21", neurotoxin: pregnant)])
        XCTAssertEqual(h.lastDateItems.map(\.item), PatientHistory.datedItems)
    }

    func testHistoryJSONSaysMaintenancePastTheSeries() throws {
        var sessions: [SessionSummary] = []
        for i in 0..<8 {
            var s = try session("s\(i)", day: "2026-01-05", neurotoxin: nil)
            s.startedAt = s.startedAt.addingTimeInterval(Double(i) * 30 * 86_400)
            sessions.append(s)
        }
        var open = try session("s8", day: "2026-11-21", neurotoxin: nil)
        open.status = .inProgress
        sessions.append(open)
        let rows = try XCTUnwrap(try json(history(sessions))["sessions"] as? [[String: Any]])
        XCTAssertEqual(
            rows.map { $0["series_label"] as? String ?? "null" },
            ["1/6", "2/6", "3/6", "4/6", "5/6", "6/6", "maintenance", "maintenance", "null"])
        XCTAssertEqual(rows.map { $0["series_number"] as? Int ?? 0 }, [1, 2, 3, 4, 5, 6, 7, 8, 0])
    }
}
