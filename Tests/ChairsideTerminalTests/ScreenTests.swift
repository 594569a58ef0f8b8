import ChairsideCore
import ChairsideStore
import Foundation
import TestSupport
import XCTest

@testable import ChairsideTerminal

final class ScreenTests: XCTestCase {
    func demoHarness(width: Int, height: Int) throws -> ConsoleHarness { try .demo(width: width, height: height) }

    func testTodayScreenAt80x24() throws {
        try demoHarness(width: 80, height: 24).assertSnapshot("today-80x24")
    }

    func testTodayScreenAt120x40() throws {
        try demoHarness(width: 120, height: 40).assertSnapshot("today-120x40")
    }

    func testSessionConsoleWhileNeedlingAt80x24() throws {
        let h = try ConsoleHarness()
        h.walkToNeedling()
        h.press(.enter, .enter)
        h.assertSnapshot("session-needling-80x24")
    }

    func testSessionConsoleWhileNumbingAt120x40() throws {
        let h = try ConsoleHarness(width: 120, height: 40)
        h.startSession()
        h.press(.char("s"), .char("y"), .char("c"), .enter)
        h.press(.char("3"), .char("a"))
        h.type("BLT cream")
        h.press(.tab)
        h.type("N-77")
        h.press(.enter)
        _ = h.advance(minutes: 12.5)
        h.assertSnapshot("session-numbing-120x40")
    }

    func testNewSessionScreenAt80x24() throws {
        let h = try demoHarness(width: 80, height: 24)
        h.press(.char("n"))
        h.type("o")
        h.assertSnapshot("new-session-80x24")
    }

    func testTooSmallTerminalSaysSo() throws {
        let h = try ConsoleHarness(width: 60, height: 20)
        XCTAssertTrue(h.text.contains("Terminal too small: 60x20."))
        XCTAssertTrue(h.text.contains("at least 80x24"))
        h.app.handle(.resize(width: 80, height: 24))
        XCTAssertTrue(h.text.contains("Press n to start one"), "re-lays out once large enough")
    }

    func testHelpListsEveryKeyOfTheScreen() throws {
        let h = try ConsoleHarness()
        h.walkToNeedling()
        h.press(.char("?"))
        let text = h.text
        for k in AppView.keys(for: h.app.model) { XCTAssertTrue(text.contains(k.action), "help misses \(k.action)") }
        XCTAssertTrue(text.contains("abort"), "help shows keys the hint bar leaves out")
        h.press(.char("x"))
        XCTAssertNil(h.app.model.overlay)
    }

    func testWideAndAccentedNamesLineUp() throws {
        let h = try ConsoleHarness(width: 100, height: 30)
        for (name, chart) in [("José Müller", "A1"), ("李小龙", "A2"), ("Zoë Ó Briain", "A3")] {
            h.startSession(name: name, chart: chart, zones: 1)
            h.press(.char("q"), .char("y"))
        }
        let lines = h.screen.lines().filter { $0.contains("Screening") }
        XCTAssertEqual(lines.count, 3)
        let columns = lines.map { line -> Int in
            let prefix = line[..<line.range(of: "Screening")!.lowerBound]
            return DisplayWidth.of(String(prefix))
        }
        XCTAssertEqual(
            Set(columns).count, 1, "step column starts at the same column: \(columns)\n\(lines.joined(separator: "\n"))"
        )
    }

    func testControlCharactersInNamesAreDrawnHarmlessly() throws {
        let h = try ConsoleHarness()
        h.startSession(name: "Eve\u{1B}]0;owned\u{07}\u{202E}x", chart: "X1", zones: 1)
        let screen = h.screen
        XCTAssertTrue(screen.text.contains("Eve^[]0;owned^G<U+202E>x"))
        for cell in screen.cells {
            XCTAssertFalse(
                cell.text.unicodeScalars.contains {
                    $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0.value == 0x202E
                })
        }
    }

    func testNumbingAlertRingsOnceAtTarget() throws {
        let h = try ConsoleHarness()
        h.startSession()
        h.press(.char("s"), .char("y"), .char("c"), .enter)
        h.press(.char("3"), .char("a"))
        h.type("BLT")
        h.press(.tab)
        h.type("N")
        h.press(.enter)
        XCTAssertEqual(h.advance(minutes: 29), [])
        XCTAssertTrue(h.text.contains("target in 01:00"))
        XCTAssertEqual(h.advance(minutes: 1), [.bell])
        XCTAssertTrue(h.status.contains("Numbing target of 30 min reached"))
        XCTAssertEqual(
            h.screen.role(of: "NUMBING TARGET REACHED", onRow: 1), .timerDone, "the alert is visible, not only audible")
        XCTAssertEqual(h.advance(minutes: 1), [], "the alert fires once")
        XCTAssertTrue(h.text.contains("01:00 past"))
    }

    func testTimersTickWithTheClock() throws {
        let h = try ConsoleHarness()
        h.walkToNeedling()
        let before = h.text
        _ = h.advance(minutes: 1.0 / 60)
        XCTAssertNotEqual(before, h.text, "a tick one second later changes the clocks on screen")
        XCTAssertTrue(h.text.contains("PRP age 20:01"))
    }

    func testRefusalGoesToTheStatusLine() throws {
        let h = try ConsoleHarness()
        h.startSession()
        h.press(.char("3"), .char("r"))
        XCTAssertEqual(h.status, "Record the screening first: nothing clinical happens before it. [panel 1, s]")
        h.press(.char("4"), .enter, .enter)
        guard case .form(let form)? = h.app.model.overlay else { return XCTFail("form closed on a refusal") }
        XCTAssertEqual(form.error, "Record the screening first: nothing clinical happens before it. [panel 1, s]")
    }

    func testDepthAboveProtocolAsksForConfirmation() throws {
        let h = try ConsoleHarness()
        h.walkToNeedling()
        h.press(.char("+"))  // Forehead 0.50 -> 0.75 (its maximum)
        XCTAssertNil(h.app.model.overlay)
        h.press(.char("+"))  // 1.00 is above the protocol
        XCTAssertTrue(h.text.contains("above the protocol maximum of 0.75 mm"))
        h.press(.char("n"))
        XCTAssertEqual(h.app.model.session?.state.depth(for: "forehead", proto: .standard), 0.75)
        h.press(.char("+"), .char("y"))
        XCTAssertEqual(h.app.model.session?.state.depth(for: "forehead", proto: .standard), 1.0)
    }

    func testQuitAsksWhileASessionIsOpenAndKeepsItResumable() throws {
        let h = try ConsoleHarness()
        h.walkToNeedling()
        h.press(.char("q"))
        XCTAssertTrue(h.text.contains("Leave this session?"))
        h.press(.char("n"))
        XCTAssertEqual(h.app.model.screen, .session)
        h.press(.char("q"), .char("y"))
        XCTAssertEqual(h.app.model.screen, .today)
        XCTAssertTrue(h.text.contains("Needling"))
        h.press(.enter)
        XCTAssertEqual(h.app.model.session?.panel, .needling, "resumes at the same step")
        XCTAssertEqual(h.press(.char("q"), .char("y"), .char("q")), [.quit])
    }

    func testVoidFromTheConsoleShowsStruckEventWithReason() throws {
        let h = try ConsoleHarness(width: 120, height: 40)
        h.walkToNeedling()
        h.press(.enter, .enter)
        h.press(.char("u"), .tab)
        h.type("Wrong zone")
        h.press(.enter)
        XCTAssertTrue(h.text.contains("✗ 09:30 #11 (voided: Wrong zone) Pass: Forehead"), h.text)
        XCTAssertEqual(h.app.model.session?.state.passes.count, 0)
    }

    func testCompleteSessionFromKeys() throws {
        let h = try ConsoleHarness()
        h.walkToNeedling()
        h.press(.enter, .enter)
        h.press(.char("7"), .char("C"))
        XCTAssertNil(h.app.model.overlay, "what would refuse is said at once, not after a Complete? yes")
        XCTAssertEqual(h.status, "Record the aftercare before completing. [panel 7]")
        h.press(.char("h"), .char("C"))
        XCTAssertEqual(
            h.app.model.session?.state.status, .inProgress, "no PRP applied and no post-care: a reason is asked first")
        h.type("growth factors used instead")
        h.press(.tab)
        h.type("patient declined")
        h.press(.enter)
        XCTAssertEqual(h.app.model.session?.state.status, .completed)
        XCTAssertTrue(
            h.app.model.session?.state.warnings.contains(
                "No PRP applied; completed because: growth factors used instead.") ?? false)
        h.press(.char("q"))
        XCTAssertTrue(h.text.contains("completed"))
    }
}

/// Moving the cursors in the screening and needling lists, past both ends. (Found by the key
/// benchmark: ↓ read the model while writing it, which Swift's exclusivity check traps.)
final class CursorTests: XCTestCase {
    func testScreeningCursorMovesAndStopsAtTheEnds() throws {
        let h = try ConsoleHarness(width: 120, height: 40)
        h.startSession()
        for _ in 0..<40 { h.press(.down) }
        XCTAssertEqual(h.app.model.session?.screeningCursor, h.config.protocolSettings.contraindications.count - 1)
        for _ in 0..<40 { h.press(.up) }
        XCTAssertEqual(h.app.model.session?.screeningCursor, 0)
    }

    func testNeedlingCursorMovesAndStopsAtTheEnds() throws {
        let h = try ConsoleHarness(width: 120, height: 40)
        h.walkToNeedling()
        h.press(.char("4"))
        for _ in 0..<40 { h.press(.down) }
        let last = try XCTUnwrap(h.app.model.session?.zoneCursor)
        XCTAssertGreaterThan(last, 0)
        XCTAssertEqual(
            SessionScreen.needlingZones(h.app.model.session!.state, proto: h.config.protocolSettings).count - 1, last)
        for _ in 0..<40 { h.press(.up) }
        XCTAssertEqual(h.app.model.session?.zoneCursor, 0)
    }
}
