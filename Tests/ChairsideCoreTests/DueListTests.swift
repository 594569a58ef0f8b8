import ChairsideCore
import Foundation
import TestSupport
import XCTest

/// The due list's windows at their edges: the day before a window opens, the day it opens, its
/// last day and the day after, within the series and in maintenance.
final class DueListTests: XCTestCase {
    let settings = AftercareSettings.standard  // series 4–6, next visit 28–42 days, maintenance 120–150
    let proto = ClinicProtocol.standard

    func sessions(_ days: [String]) -> [SessionRef] {
        days.enumerated().map { i, d in
            SessionRef(
                sessionID: "s\(i)",
                startedAt: ClinicDay(string: d)!.start(in: Fixture.utc).addingTimeInterval(9 * 3600),
                status: .completed)
        }
    }

    func entry(_ history: [SessionRef], on today: String, patient: Patient = Fixture.patient()) -> DueEntry? {
        DueList.entry(
            patient, history: history, today: ClinicDay(string: today)!, timeZone: Fixture.utc, proto: proto,
            settings: settings)
    }

    func testWithinTheSeriesTheWindowRunsFromTheMinimumIntervalToTheLatestNextVisit() throws {
        let h = sessions(["2026-09-01", "2026-10-01"])  // second of the series: next from 10-29 to 11-12
        let before = try XCTUnwrap(entry(h, on: "2026-10-28"))
        XCTAssertEqual(before.seriesNumber, 2)
        XCTAssertFalse(before.maintenance)
        XCTAssertEqual(before.dueFrom, ClinicDay(string: "2026-10-29"))
        XCTAssertEqual(before.dueBy, ClinicDay(string: "2026-11-12"))
        XCTAssertEqual(before.standing, .upcoming)
        XCTAssertEqual(entry(h, on: "2026-10-29")?.standing, .due)
        XCTAssertEqual(entry(h, on: "2026-11-12")?.standing, .due)
        let after = try XCTUnwrap(entry(h, on: "2026-11-13"))
        XCTAssertEqual(after.standing, .overdue)
        XCTAssertEqual(after.daysOverdue, 1)
        XCTAssertEqual(after.seriesLabel(settings), "2/6")
    }

    func testAfterTheSeriesTheWindowIsMaintenance() throws {
        // Six sessions 28 days apart complete the longest series: the next is maintenance, 120–150 days on.
        let h = sessions(["2026-01-05", "2026-02-02", "2026-03-02", "2026-03-30", "2026-04-27", "2026-05-25"])
        let e = try XCTUnwrap(entry(h, on: "2026-09-21"))
        XCTAssertTrue(e.maintenance)
        XCTAssertEqual(e.seriesNumber, 6)
        XCTAssertEqual(e.dueFrom, ClinicDay(string: "2026-09-22"))
        XCTAssertEqual(e.dueBy, ClinicDay(string: "2026-10-22"))
        XCTAssertEqual(e.standing, .upcoming)
        XCTAssertEqual(entry(h, on: "2026-09-22")?.standing, .due)
        XCTAssertEqual(entry(h, on: "2026-10-22")?.standing, .due)
        XCTAssertEqual(entry(h, on: "2026-10-23")?.standing, .overdue)
    }

    func testScopesPickDueOverdueAndThisWeekAtTheirEdges() throws {
        let today = ClinicDay(string: "2026-11-21")!
        let h = sessions(["2026-10-30"])  // first session: window 11-27 to 12-11
        let opensInSix = try XCTUnwrap(entry(h, on: "2026-11-21"))
        XCTAssertEqual(opensInSix.dueFrom, today.adding(days: 6))
        XCTAssertTrue(DueList.includes(opensInSix, scope: .week, today: today))
        XCTAssertFalse(DueList.includes(opensInSix, scope: .due, today: today))
        let opensInSeven = try XCTUnwrap(entry(sessions(["2026-10-31"]), on: "2026-11-21"))
        XCTAssertFalse(DueList.includes(opensInSeven, scope: .week, today: today))
        let overdue = try XCTUnwrap(entry(sessions(["2026-09-01"]), on: "2026-11-21"))
        XCTAssertTrue(DueList.includes(overdue, scope: .overdue, today: today))
        XCTAssertTrue(DueList.includes(overdue, scope: .due, today: today))
        XCTAssertTrue(DueList.includes(overdue, scope: .week, today: today), "an overdue patient is called this week")
        let dueNow = try XCTUnwrap(entry(h, on: "2026-11-30"))
        XCTAssertEqual(dueNow.standing, .due)
        XCTAssertTrue(DueList.includes(dueNow, scope: .week, today: ClinicDay(string: "2026-11-30")!))
    }

    func testAFinishedOrStoppedSeriesDropsOffUntilTheNextSession() {
        let h = sessions(["2026-09-01"])
        var p = Fixture.patient()
        p.seriesStop = SeriesStop(outcome: .stopped, on: ClinicDay(string: "2026-09-10")!, reason: "moved away")
        XCTAssertNil(entry(h, on: "2026-10-10", patient: p))
        XCTAssertNil(entry(h, on: "2026-09-01", patient: p.with(stopOn: "2026-09-01")), "stopped on the day itself")
        // Back for another session after the stop: on the list again.
        XCTAssertNotNil(entry(sessions(["2026-09-01", "2026-10-01"]), on: "2026-10-30", patient: p))
    }

    func testNobodyWithoutACompletedSessionOrInTheChairIsListed() {
        XCTAssertNil(entry([], on: "2026-11-21"))
        let aborted = [SessionRef(sessionID: "a", startedAt: Fixture.t0, status: .aborted)]
        XCTAssertNil(entry(aborted, on: "2026-11-21"))
        let inChair =
            sessions(["2026-09-01"]) + [SessionRef(sessionID: "now", startedAt: Fixture.t0, status: .inProgress)]
        XCTAssertNil(entry(inChair, on: "2026-11-21"))
    }
    /// A phone number is kept as written in the CSV (the front desk dials from it); the formula
    /// guard stays for cells that could run as one.
    func testCSVKeepsPhoneNumbersAsWrittenAndStillGuardsFormulas() throws {
        XCTAssertEqual(CSV.phone("+44 20 7946 0958"), "+44 20 7946 0958")
        XCTAssertEqual(CSV.phone("(11) 5555-0100"), "(11) 5555-0100")
        XCTAssertEqual(CSV.phone("-555 0100"), "-555 0100")
        XCTAssertEqual(CSV.phone(""), "")
        XCTAssertEqual(CSV.phone("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")")
        XCTAssertEqual(CSV.phone("@SUM(A1)"), "'@SUM(A1)")
        XCTAssertEqual(CSV.phone("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0")
        XCTAssertEqual(CSV.phone("+-()"), "'+-()", "no digit: not a phone")
        var p = Fixture.patient()
        p.phone = "+351 912 345 678"
        let e = try XCTUnwrap(entry(sessions(["2026-09-01"]), on: "2026-11-21", patient: p))
        XCTAssertEqual(DueList.csvRow(e, settings: settings)[2], "+351 912 345 678")
    }
}

extension Patient {
    fileprivate func with(stopOn day: String) -> Patient {
        var p = self
        p.seriesStop = SeriesStop(outcome: .finished, on: ClinicDay(string: day)!, reason: "done")
        return p
    }

}
