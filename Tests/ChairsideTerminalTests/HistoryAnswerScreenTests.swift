import ChairsideCore
import ChairsideTerminal
import Foundation
import TestSupport
import XCTest

/// A screening item answered yes with no date shows as such in the history, on screen and as text.
final class HistoryAnswerScreenTests: XCTestCase {
    func testAYesWithoutADateShowsInTheHistoryNotADash() throws {
        let h = try ConsoleHarness(width: 80, height: 24)
        h.startSession()
        for _ in 0..<10 { h.press(.down) }  // Neurotoxin in the last 2 weeks
        h.press(.char(" "))
        h.press(.enter)  // no date: nobody knows when
        XCTAssertEqual(h.app.model.session?.draftAnswers["neurotoxin"], true)
        h.press(.char("s"), .char("y"))
        XCTAssertTrue(try h.journalEvents().contains { if case .screeningRecorded = $0.kind { true } else { false } })
        h.press(.char("H"))
        XCTAssertTrue(
            h.text.contains("Neurotoxin yes (no date, screened 2026-11-21)"), "the history shows a dash:\n\(h.text)")

        let patient = try XCTUnwrap(h.app.model.session?.patient)
        let history = PatientHistory(
            sessions: try h.store.historySummaries(of: patient.id), protocolSettings: .standard,
            aftercare: .standard, timeZone: Fixture.utc)
        let text = Reports.history(history, patient: patient, config: .standard, timeZone: Fixture.utc)
        XCTAssertTrue(text.contains("neurotoxin yes (no date, screened 2026-11-21)"), text)
    }
}
