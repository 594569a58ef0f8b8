import ChairsideCore
import TestSupport
import XCTest

@testable import ChairsideTerminal

/// The privacy screen (issue 6, point 6): names and details disappear after the configured idle
/// time or on Ctrl-P, and any key brings the console back without doing anything else.
final class PrivacyScreenTests: XCTestCase {
    func testIdleTimeHidesEveryNameAndAnyKeyBringsTheConsoleBackWithoutActing() throws {
        let h = try ConsoleHarness(width: 100, height: 30)
        h.config.privacyAfterMinutes = ClinicConfig.standard.privacyAfterMinutes
        h.start(width: 100, height: 30)
        h.startSession(name: "Zelda Quintanilla", chart: "C-4242")
        XCTAssertTrue(h.text.contains("Zelda Quintanilla"))
        _ = h.advance(minutes: 4.9)
        XCTAssertFalse(h.app.model.hidden, "hidden before the idle time (5 min by default)")
        _ = h.advance(minutes: 0.2)
        XCTAssertTrue(h.app.model.hidden)
        let hidden = h.text
        for detail in ["Zelda", "Quintanilla", "C-4242", "Forehead", "Screening"] {
            XCTAssertFalse(hidden.contains(detail), detail)
        }
        XCTAssertTrue(hidden.contains("Screen hidden to protect patient privacy"))
        let events = try h.journalEvents().count
        // q would ask to leave the session; as the waking key it does nothing at all.
        h.press(.char("q"))
        XCTAssertFalse(h.app.model.hidden)
        XCTAssertNil(h.app.model.overlay)
        XCTAssertTrue(h.text.contains("Zelda Quintanilla"))
        XCTAssertEqual(try h.journalEvents().count, events)
    }

    func testCtrlPHidesAtOnceFromAnyScreenEvenWithAFormOpen() throws {
        let h = try ConsoleHarness()
        h.startSession(name: "Zelda Quintanilla", chart: "C-4242")
        h.press(.char("n"))  // the note form
        h.type("Zelda is comfortable")
        h.press(.ctrl("p"))
        XCTAssertTrue(h.app.model.hidden)
        XCTAssertFalse(h.text.contains("Zelda"))
        h.press(.enter)
        // Back to the form as it was: the waking Enter did not submit it.
        XCTAssertTrue(h.text.contains("Zelda is comfortable"))
        guard case .form? = h.app.model.overlay else { return XCTFail("the form was lost") }
    }

    func testTheNumbingAlertStillShowsOnTheHiddenScreenWithoutAName() throws {
        let h = try ConsoleHarness()
        h.config.privacyAfterMinutes = 1
        h.start(width: 80, height: 24)
        h.startSession(name: "Zelda Quintanilla", chart: "C-4242")
        h.press(.char("s"))
        h.press(.char("y"))
        h.press(.char("c"), .enter)
        h.press(.char("3"), .char("a"))
        h.type("BLT")
        h.press(.tab)
        h.type("N-1")
        h.press(.enter)
        XCTAssertTrue(h.status.hasPrefix("Recorded: Numbing"), h.status)
        _ = h.advance(minutes: 2)
        XCTAssertTrue(h.app.model.hidden)
        let outputs = h.advance(minutes: 30)
        XCTAssertEqual(outputs, [.bell])
        XCTAssertTrue(h.text.contains("Numbing target"))
        XCTAssertFalse(h.text.contains("Zelda"))
    }

    func testZeroTurnsTheIdleTimerOffButCtrlPStillWorks() throws {
        let h = try ConsoleHarness()
        XCTAssertEqual(h.config.privacyAfterMinutes, 0)
        _ = h.advance(minutes: 600)
        XCTAssertFalse(h.app.model.hidden)
        h.press(.ctrl("p"))
        XCTAssertTrue(h.app.model.hidden)
    }
}
