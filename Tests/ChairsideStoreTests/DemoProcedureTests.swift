import ChairsideCore
import ChairsideStore
import Foundation
import TestSupport
import XCTest

/// `chairside demo` shows the procedure's records: a dated BOTOX warning, dated history, passes above 1.
final class DemoProcedureTests: XCTestCase {
    func testDemoRecordsBotoxFiveDaysBeforeWithItsWarningAndDatedHistory() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("chairside-demo-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let now = Fixture.t0.addingTimeInterval(8 * 3600)
        let store = try Store(root: dir, timeZone: Fixture.utc, today: ClinicDay(now, timeZone: Fixture.utc))
        try DemoClinic.fill(store, config: .standard, now: now, timeZone: Fixture.utc)
        let jose = try XCTUnwrap(store.directory.patients.first { $0.chartNumber == "C-1001" })
        let sessions = try store.historySummaries(of: jose.id)
        let todays = try XCTUnwrap(
            sessions.first { ClinicDay($0.startedAt, timeZone: Fixture.utc) == ClinicDay(string: "2026-11-21") })
        XCTAssertEqual(
            todays.screeningDates["neurotoxin"], ClinicDay(string: "2026-11-16"), "BOTOX 5 days before today's session")
        let state = try store.loadSession(id: todays.id)
        XCTAssertTrue(
            state.warnings.contains("Screening: Neurotoxin in the last 2 weeks (last: 16 Nov 2026 (5 days ago))."),
            "\(state.warnings)")
        XCTAssertGreaterThan(state.passTotal, state.passes.count, "passes logged with counts above 1")
        XCTAssertEqual(todays.passes, state.passTotal)
        let history = PatientHistory(
            sessions: sessions, protocolSettings: .standard, aftercare: .standard, timeZone: Fixture.utc)
        XCTAssertEqual(history.lastDates["filler"], ClinicDay(string: "2026-05-15"), "an earlier visit's dated answer")
        XCTAssertNotNil(history.lastDates["retinoids"])
    }
}
