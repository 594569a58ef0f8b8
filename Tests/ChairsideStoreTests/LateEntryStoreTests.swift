import ChairsideCore
import Foundation
import TestSupport
import XCTest

@testable import ChairsideStore

/// Late entries and paper history through the real store on disk: the mark each line carries,
/// the day it joins, the rules that read it back, and the due list built from it.
final class LateEntryStoreTests: XCTestCase {
    var dir: String!
    let today = ClinicDay(string: "2026-11-21")!
    let day = 86_400.0

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("chairside-late-\(UUID().uuidString)").path
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func openStore(access: StoreAccess = .create) throws -> Store {
        let store = try Store(root: dir, timeZone: Fixture.utc, today: today, access: access)
        store.writeClock = { Fixture.t0 }
        return store
    }

    func testEveryLineOfALateSessionCarriesWhenItWasWrittenAndJoinsItsRealDay() throws {
        let store = try openStore()
        let p = try store.savePatient(Fixture.patient(id: ""))
        // A live session already on the earlier day must stay listed beside the late one.
        let earlier = Fixture.t0.addingTimeInterval(-3 * day)
        let liveID = Store.newSessionID(startedAt: earlier, timeZone: Fixture.utc)
        var live = SessionDriver(id: liveID)
        live.clock = earlier
        let liveStart = try live.run(
            .start(patient: p, technician: "Alex Rivera", room: "Room 1", plannedZones: ["chin"]), after: 0)
        try store.beginSession(id: liveID, events: liveStart).close()

        let lateAt = earlier.addingTimeInterval(3600)
        var d = SessionDriver(id: Store.newSessionID(startedAt: lateAt, timeZone: Fixture.utc))
        d.clock = lateAt
        let start = try d.run(
            .start(patient: p, technician: "Alex Rivera", room: "Room 1", plannedZones: ["chin"]), after: 0)
        let writer = try store.beginSession(id: d.state.id, events: start, lateEntry: true)
        try store.append(try d.run(.recordScreening(answers: Fixture.noScreeningFlags()), after: 5), to: writer)
        writer.close()

        let reopened = try openStore(access: .read)
        let late = try reopened.loadSession(id: d.state.id)
        XCTAssertTrue(late.isLateEntry)
        XCTAssertEqual(late.events.map(\.recordedAt), Array(repeating: Fixture.t0, count: late.events.count))
        XCTAssertEqual(late.events.last?.at, lateAt.addingTimeInterval(5 * 60), "each step keeps its real time")
        XCTAssertNil(try reopened.loadSession(id: liveID).events.first?.recordedAt, "a live session is never marked")
        let listed = try reopened.sessions(on: ClinicDay(earlier, timeZone: Fixture.utc))
        XCTAssertEqual(Set(listed.map(\.id)), [liveID, d.state.id])
        XCTAssertEqual(listed.first { $0.id == d.state.id }?.chartedAt, Fixture.t0)
        // Reopened for more steps, it stays a late entry.
        let again = try openStore()
        let w2 = try again.openSession(id: d.state.id)
        var d2 = SessionDriver(id: d.state.id)
        d2.state = late
        d2.clock = lateAt.addingTimeInterval(6 * 60)
        try again.append(try d2.run(.recordConsent(signedBy: "Patient"), after: 0), to: w2)
        w2.close()
        XCTAssertEqual(try again.loadSession(id: d.state.id).events.last?.recordedAt, Fixture.t0)
    }

    /// The acceptance case: a session imported from paper 10 days back, then one started today.
    func testImportedHistoryGivesTheIntervalWarningOnTheFirstDay() throws {
        let store = try openStore()
        let csv = "chart_number,name,date,zones,depths\nC-9,Ana Lima,2026-11-11,cheeks,1.0\n"
        let rows = try HistoryCSV.parse(csv, proto: Fixture.proto, today: today).rows
        let steps = store.planHistoryImport(rows)
        XCTAssertEqual(steps.map(\.action), [.record(newPatient: true)])
        XCTAssertEqual(try store.applyHistoryImport(steps, source: "paper.csv"), 1)

        let patient = try XCTUnwrap(store.directory.patients(chartNumber: "C-9").first)
        let history = store.history(of: patient.id)
        XCTAssertEqual(history.map(\.status), [.completed])
        let start = try Decider.decide(
            .start(patient: patient, technician: "Alex Rivera", room: "Room 1", plannedZones: ["cheeks"]),
            state: SessionState(id: "20261121-090000-aaaa"), context: Fixture.context(history: history), now: Fixture.t0
        )
        XCTAssertTrue(
            start.contains {
                $0.kind
                    == .warning(
                        code: "interval", message: "Last session was 10 days ago; the protocol asks for at least 28.")
            }, "\(start.map(\.kind))")
        let series = SeriesPosition(
            sessionID: "new", startedAt: Fixture.t0, history: history, settings: AftercareSettings.standard)
        XCTAssertEqual(series.number, 2, "the series counts the imported session")
    }

    func testRunningTheSameFileAgainRecordsNothingAndDuplicatesInTheFileAreSkipped() throws {
        let store = try openStore()
        let csv = """
            chart_number,name,date_of_birth,date,zones,depths
            C-1,Ana Lima,1980-01-02,2026-09-01,cheeks,1.0
            C-1,Ana Lima,1980-01-02,2026-09-01,chin,1.0
            ,Bo Chen,1975-05-06,2026-09-02,chin,1.0
            ,Bo Chen,1975-05-06,2026-10-02,chin,1.0
            """
        let rows = try HistoryCSV.parse(csv, proto: Fixture.proto, today: today).rows
        let first = store.planHistoryImport(rows)
        XCTAssertEqual(
            first.map(\.action),
            [
                .record(newPatient: true), .duplicate(earlierLine: 2), .record(newPatient: true),
                .record(newPatient: true),
            ])
        XCTAssertEqual(try store.applyHistoryImport(first, source: "paper.csv"), 3)
        XCTAssertEqual(store.directory.patients.count, 2, "Bo Chen is created once for both rows")

        let again = try openStore()
        let second = again.planHistoryImport(rows)
        XCTAssertEqual(
            second.map(\.action),
            [
                .duplicate(earlierLine: nil), .duplicate(earlierLine: 2), .duplicate(earlierLine: nil),
                .duplicate(earlierLine: nil),
            ])
        XCTAssertEqual(try again.applyHistoryImport(second, source: "paper.csv"), 0)
        let bo = try XCTUnwrap(again.directory.search("Bo Chen").first)
        XCTAssertTrue(bo.chartNumber.hasPrefix("PAPER-"), bo.chartNumber)
        XCTAssertEqual(again.history(of: bo.id).count, 2)
    }

    func testDueListReadsTheStoreAndASeriesStopTakesThePatientOff() throws {
        let store = try openStore()
        let csv =
            "chart_number,name,date,zones,phone\nC-1,Ana Lima,2026-09-01,cheeks,555 0100\nC-2,Bo Chen,2026-11-01,chin,\n"
        let rows = try HistoryCSV.parse(csv, proto: Fixture.proto, today: today).rows
        _ = try store.applyHistoryImport(store.planHistoryImport(rows), source: "paper.csv")
        let due = store.dueList(
            today: today, proto: Fixture.proto, settings: .standard, scope: .due)
        XCTAssertEqual(due.map(\.patient.chartNumber), ["C-1"], "Bo's window opens on 11-29")
        XCTAssertEqual(due.first?.patient.phone, "555 0100")
        XCTAssertEqual(due.first?.standing, .overdue)
        let week = store.dueList(
            today: ClinicDay(string: "2026-11-23")!, proto: Fixture.proto, settings: .standard, scope: .week)
        XCTAssertEqual(
            week.map(\.patient.chartNumber), ["C-1", "C-2"], "this week: Ana (overdue) and Bo (opens 11-29)")

        let ana = try XCTUnwrap(store.directory.patients(chartNumber: "C-1").first)
        try store.recordSeriesStop(of: ana, SeriesStop(outcome: .stopped, on: today, reason: "moved away"))
        let reopened = try openStore(access: .read)
        XCTAssertEqual(reopened.directory.patients(chartNumber: "C-1").first?.seriesStop?.reason, "moved away")
        XCTAssertEqual(reopened.dueList(today: today, proto: Fixture.proto, settings: .standard, scope: .due).count, 0)
    }

    /// The directory snapshot holds the new fields, and one written before them still reads.
    func testCompactDirectoryKeepsPhoneAndSeriesStopAndReadsOldRecords() {
        var p = Fixture.patient()
        p.phone = "+44 20 7946 0000"
        p.seriesStop = SeriesStop(outcome: .finished, on: today, reason: "series complete")
        let plain = Fixture.patient("Bo Chen", id: "p-0002", chart: "C-2")
        let dir = CompactDirectory(patients: [p, plain], stamp: .init(journalBytes: 0, lastSeq: 0))
        let read = PatientDirectory(snapshot: dir)
        XCTAssertEqual(read.patient(id: p.id), p)
        XCTAssertEqual(read.patient(id: plain.id), plain)
    }
}
