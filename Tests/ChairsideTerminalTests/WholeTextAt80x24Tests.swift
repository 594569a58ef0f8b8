import ChairsideCore
import ChairsideTerminal
import Foundation
import TestSupport
import XCTest

/// At 80×24 every label, hint and help line is on screen whole: wrapped where it is long, never cut.
final class WholeTextAt80x24Tests: XCTestCase {
    /// The text of columns `xs` of every row, rows joined by a space and runs of spaces made one, so a
    /// text that wraps onto the next row (under its own indent) reads as one line.
    private func read(_ canvas: Canvas, columns xs: Range<Int>, rows ys: ClosedRange<Int>? = nil) -> String {
        let rows = ys ?? 0...(canvas.height - 1)
        let text = rows.map { y in xs.map { canvas[$0, y].text }.joined() }.joined(separator: " ")
        return text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    private func shows(_ text: String, _ canvas: Canvas, columns xs: Range<Int>) -> Bool {
        read(canvas, columns: xs).contains(text.split(separator: " ").joined(separator: " "))
    }

    /// The session panel: left of the divider at x 44 (80 columns).
    private let panel = 1..<44

    func testEveryScreeningLabelIsWholeAt80x24() throws {
        let h = try ConsoleHarness(width: 80, height: 24)
        h.startSession()
        let items = Fixture.proto.contraindications
        XCTAssertTrue(
            items.contains { DisplayWidth.of("[ ] block " + $0.label) > 42 }, "some labels are wider than the panel")
        for (i, item) in items.enumerated() {
            XCTAssertTrue(
                shows("[ ] \(item.severity == .block ? "block" : "warn") \(item.label)", h.screen, columns: panel),
                "item \(i) cut or missing with the cursor on it:\n\(h.text)")
            h.press(.down)
        }
        XCTAssertFalse(h.text.contains("…"), "nothing on the screen is cut:\n\(h.text)")
    }

    func testTheDateLineAndTheLastVisitHintAreWholeAt80x24() throws {
        let h = try ConsoleHarness(width: 80, height: 24)
        h.startSession()
        for _ in 0..<10 { h.press(.down) }  // Neurotoxin in the last 2 weeks
        h.press(.char(" "))
        h.type("20d")
        h.press(.enter)
        XCTAssertTrue(
            shows("When: 1 Nov 2026 (20 days ago), past its 14 days: no effect", h.screen, columns: panel),
            "the date line is cut:\n\(h.text)")
        XCTAssertTrue(
            shows("[x] warn Neurotoxin in the last 2 weeks · 2026-11-01 (20 d ago)", h.screen, columns: panel),
            "the item with its days is cut:\n\(h.text)")
        XCTAssertFalse(h.text.contains("…"), h.text)
    }

    func testTheConfirmWithThePatientHintIsWholeAt80x24() throws {
        let h = try ConsoleHarness.demo(width: 80, height: 24)
        h.press(.char("n"))
        h.type("Amara")  // the demo patient with an earlier session
        h.press(.enter)
        h.press(.tab, .tab, .char(" "), .enter)  // the first zone planned
        guard h.app.model.screen == .session else { return XCTFail("no session started:\n\(h.text)") }
        XCTAssertTrue(
            shows("L: go through the answers of", h.screen, columns: panel), "no offer of the last visit:\n\(h.text)")
        h.press(.char("L"))
        XCTAssertTrue(
            shows("confirm each answer with the patient.", h.screen, columns: panel), "the hint is cut:\n\(h.text)")
        XCTAssertFalse(h.text.contains("…"), h.text)
    }

    /// A completed demo session: every panel, the timeline beside it and the full timeline, nothing cut.
    func testNoSessionScreenCutsTextAt80x24() throws {
        let h = try ConsoleHarness.demo(width: 80, height: 24)
        h.press(.enter)  // the day's first session: BOTOX 5 days before, two post-care products
        XCTAssertEqual(h.app.model.screen, .session, h.text)
        XCTAssertFalse(h.text.contains("…"), "a completed session opens on its full timeline:\n\(h.text)")
        XCTAssertTrue(shows("Pass: Acne scars 1.50 mm ×1 diagonal, pinpoint bleeding", h.screen, columns: 0..<80))
        h.press(.char("t"))
        for panel in 1...7 {
            h.press(.char(Character("\(panel)")))
            XCTAssertFalse(h.text.contains("…"), "panel \(panel):\n\(h.text)")
        }
        XCTAssertTrue(shows("Post-care: Mineral sunscreen SPF 50, lot MS-1180", h.screen, columns: 46..<80), h.text)
        h.press(.char("q"))
        XCTAssertTrue(h.text.contains("Today · Saturday 21 November 2026"), "the day is whole:\n\(h.text)")
    }

    /// `?` on each screen: every key and every action whole, in one column or two.
    func testHelpShowsEveryKeyAndActionWholeAt80x24() throws {
        let h = try ConsoleHarness.demo(width: 80, height: 24)
        var checked = 0
        func checkHelp(_ place: String) {
            let keys = AppView.keys(for: h.app.model)
            h.press(.char("?"))
            XCTAssertTrue(h.app.model.helpOpen, "\(place): ? opens help")
            let screen = h.screen
            for k in keys {
                let entry = "\(k.keys) \(k.action)"
                let found = [3..<40, 40..<77, 3..<77].contains { shows(entry, screen, columns: $0) }
                XCTAssertTrue(found, "\(place): \"\(entry)\" is cut or missing:\n\(screen.text)")
            }
            XCTAssertTrue(
                [3..<40, 40..<77, 3..<77].contains { shows("Ctrl-P hide the screen (privacy)", screen, columns: $0) },
                screen.text)
            let box = screen.lines().drop { !$0.contains("┌─ Keys") }.prefix { !$0.contains("└") }
            XCTAssertFalse(box.isEmpty, "\(place): no help box:\n\(screen.text)")
            XCTAssertFalse(box.joined().contains("…"), "\(place):\n\(screen.text)")
            XCTAssertFalse(screen.text.contains("more: enlarge"), "\(place):\n\(screen.text)")
            h.press(.char(" "))
            checked += 1
        }
        checkHelp("today")
        h.press(.char("n"))
        h.type("Amara")
        checkHelp("new session")
        h.press(.enter)
        XCTAssertFalse(h.text.contains("…"), "the start form:\n\(h.text)")
        h.press(.tab, .tab, .char(" "), .enter)
        XCTAssertEqual(h.app.model.screen, .session, h.text)
        for panel in 1...7 {
            h.press(.char(Character("\(panel)")))
            checkHelp("session panel \(panel)")
        }
        h.press(.char("t"))
        checkHelp("full timeline")
        h.press(.char("t"), .char("H"))
        checkHelp("history")
        XCTAssertEqual(checked, 11)
    }
}
