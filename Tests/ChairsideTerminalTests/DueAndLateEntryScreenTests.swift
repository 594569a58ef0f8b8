import ChairsideCore
import ChairsideStore
import Foundation
import TestSupport
import XCTest

@testable import ChairsideTerminal

/// The due list screen and charting a session after the fact, on a real store, at both sizes.
final class DueAndLateEntryScreenTests: XCTestCase {
    /// Three patients from paper: one overdue, one due, one whose window opens in 5 days.
    func dueHarness(width: Int, height: Int) throws -> ConsoleHarness {
        let h = try ConsoleHarness(width: width, height: height)
        h.store.writeClock = { Fixture.t0 }
        let csv = """
            chart_number,name,date,zones,depths,phone
            C-1001,José Müller,2026-09-01,cheeks,1.0,+34 600 000 001
            C-1002,李小龙,2026-10-20,forehead,0.5,
            C-1003,Ana Lima,2026-10-29,chin,1.5,555 0100
            """
        let rows = try HistoryCSV.parse(csv, proto: Fixture.proto, today: ClinicDay(Fixture.t0, timeZone: Fixture.utc))
        try h.store.applyHistoryImport(h.store.planHistoryImport(rows.rows), source: "paper.csv")
        h.start(width: width, height: height)
        return h
    }

    func testDueListAt80x24() throws {
        let h = try dueHarness(width: 80, height: 24)
        h.press(.char("d"))
        XCTAssertEqual(h.app.model.screen, .due)
        h.assertSnapshot("due-80x24")
    }

    func testDueListThisWeekAt120x40() throws {
        let h = try dueHarness(width: 120, height: 40)
        h.press(.char("d"), .tab)
        XCTAssertEqual(h.app.model.due?.scope, .week)
        h.assertSnapshot("due-week-120x40")
    }

    func testDueListCyclesScopesOpensHistoryAndGoesBack() throws {
        let h = try dueHarness(width: 80, height: 24)
        h.press(.char("d"))
        XCTAssertEqual(h.app.model.due?.entries.map(\.patient.chartNumber), ["C-1001", "C-1002"])
        h.press(.tab, .tab)
        XCTAssertEqual(h.app.model.due?.scope, .overdue)
        XCTAssertEqual(h.app.model.due?.entries.map(\.patient.chartNumber), ["C-1001"])
        h.press(.enter)
        XCTAssertEqual(h.app.model.screen, .history)
        XCTAssertTrue(h.text.contains("From paper") || h.text.contains("2026-09-01"), h.text)
        h.press(.escape)
        XCTAssertEqual(h.app.model.screen, .due)
        h.press(.escape)
        XCTAssertEqual(h.app.model.screen, .today)
    }

    /// L on Today, the real start, then the usual flow; each step on the late clock (W moves it).
    func lateSession(width: Int, height: Int) throws -> ConsoleHarness {
        let h = try ConsoleHarness(width: width, height: height)
        h.store.writeClock = { Fixture.t0 }
        h.press(.char("p"), .ctrl("u"))
        h.type("2026-11-20")
        h.press(.tab)
        h.type("14:30")
        h.press(.enter)
        XCTAssertEqual(h.app.model.screen, .newSession)
        h.press(.ctrl("n"))
        h.type("José Müller")
        h.press(.tab)
        h.type("C-1001")
        h.press(.enter, .tab, .tab, .char(" "), .enter)
        return h
    }

    func testALateSessionRunsOnItsRealTimesAndEveryLineIsMarked() throws {
        let h = try lateSession(width: 80, height: 24)
        let session = try XCTUnwrap(h.app.model.session)
        XCTAssertTrue(session.state.isLateEntry)
        XCTAssertEqual(session.state.id.prefix(8), "20261120")
        XCTAssertEqual(session.state.start?.at, Timestamp.parse("2026-11-20T14:30:00.000Z"))
        h.press(.char("s"), .char("y"))
        h.press(.char("W"))
        h.press(.ctrl("u"))
        h.type("14:40")
        h.press(.enter)
        XCTAssertEqual(h.app.model.session?.stepTime, Timestamp.parse("2026-11-20T14:40:00.000Z"))
        h.press(.char("c"), .enter)
        let events = try h.journalEvents()
        XCTAssertEqual(events.map(\.recordedAt), Array(repeating: Fixture.t0, count: events.count))
        XCTAssertEqual(events.last?.kind, .consentRecorded(signedBy: "José Müller"))
        XCTAssertEqual(events.last?.at, Timestamp.parse("2026-11-20T14:40:00.000Z"))
        XCTAssertTrue(h.text.contains("LATE ENTRY · next step 2026-11-20 14:40 (W)"), "not today: dated. \(h.text)")
        // A step time before the last recorded step (14:40, after the start), or still to come, is
        // refused with what to do: steps are charted in order.
        h.press(.char("W"), .ctrl("u"))
        h.type("14:35")
        h.press(.enter)
        guard case .form(let form) = h.app.model.overlay else { return XCTFail("the form closed") }
        XCTAssertEqual(
            form.error, "Time (HH:MM): that is before the last recorded step (14:40); give 14:40 or later.")
        h.press(.escape)
    }

    func testLateSessionAt80x24() throws {
        let h = try lateSession(width: 80, height: 24)
        h.assertSnapshot("late-session-80x24")
    }

    func testLateSessionFormAt120x40() throws {
        let h = try ConsoleHarness(width: 120, height: 40)
        h.press(.char("p"))
        h.assertSnapshot("late-session-form-120x40")
        let late = try lateSession(width: 120, height: 40)
        late.press(.char("t"))
        late.assertSnapshot("late-session-detail-120x40")
    }
}
