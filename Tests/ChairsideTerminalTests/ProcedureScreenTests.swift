import ChairsideCore
import ChairsideTerminal
import Foundation
import TestSupport
import XCTest

/// The dated screening, typed depth and a long message on screen, at 80×24 and 120×40.
final class ProcedureScreenTests: XCTestCase {
    private func sizes() -> [(Int, Int)] { [(80, 24), (120, 40)] }

    /// The hint bar keeps `? help` and the way out, whatever else it has to drop.
    private func assertHintsKeepHelpAndLeave(_ h: ConsoleHarness, file: StaticString = #filePath, line: UInt = #line) {
        let rows = h.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let hints = rows.first { $0.contains("? help") } ?? ""
        XCTAssertTrue(hints.contains("? help"), "no ? help in the hint bar:\n\(h.text)", file: file, line: line)
        XCTAssertTrue(
            hints.contains("q ") || hints.contains("Esc "), "no way out in the hint bar:\n\(h.text)", file: file,
            line: line)
    }

    func testDatedScreeningShowsTheDateBeforeSaving() throws {
        for (w, ht) in sizes() {
            let h = try ConsoleHarness(width: w, height: ht)
            h.startSession()
            for _ in 0..<10 { h.press(.down) }  // Neurotoxin in the last 2 weeks
            h.press(.char(" "))
            h.type("5d")
            h.assertSnapshot("screening-when-form-\(w)x\(ht)")
            h.press(.enter)
            XCTAssertTrue(h.text.contains("When: 16 Nov 2026 (5 days ago)"), h.text)
            h.assertSnapshot("screening-dated-\(w)x\(ht)")
            assertHintsKeepHelpAndLeave(h)
            h.press(.char("s"), .char("y"))
            XCTAssertEqual(h.status, "Screening: Neurotoxin in the last 2 weeks (last: 16 Nov 2026 (5 days ago)).")
            XCTAssertTrue(h.text.contains("last: 16 Nov 2026 (5 days ago)"), h.text)
            let stored = try h.journalEvents()
            XCTAssertTrue(
                stored.contains {
                    if case .screeningRecorded(let a) = $0.kind {
                        a.contains(
                            ScreeningAnswer(
                                item: "neurotoxin", present: true, lastDate: ClinicDay(string: "2026-11-16")))
                    } else {
                        false
                    }
                }, "the date is on disk")
        }
    }

    func testTypedDepthAndBackDownWithoutBeingAsked() throws {
        for (w, ht) in sizes() {
            let h = try ConsoleHarness(width: w, height: ht)
            h.walkToNeedling()
            h.press(.char("d"), .ctrl("u"))
            h.type("1.25")
            h.assertSnapshot("depth-form-\(w)x\(ht)")
            h.press(.enter)
            guard case .confirm(let question)? = h.app.model.overlay else {
                return XCTFail("crossing above 0.75 mm asks once")
            }
            XCTAssertTrue(question.text.hasSuffix("Go deeper anyway? (y/n)"))
            h.press(.char("y"))
            h.press(.char("d"), .ctrl("u"))
            h.type("0.75")
            h.press(.enter)
            XCTAssertNil(h.app.model.overlay, "coming back down never asks")
            XCTAssertEqual(h.status, "Recorded: Depth Forehead: 1.25 mm → 0.75 mm")
            h.assertSnapshot("depth-typed-\(w)x\(ht)")
            assertHintsKeepHelpAndLeave(h)
            let changes = try h.journalEvents().filter { if case .depthChanged = $0.kind { true } else { false } }
            XCTAssertEqual(changes.count, 2, "one event per change, however far it moves")
        }
    }

    func testALongRefusalWrapsInsteadOfBeingCut() throws {
        for (w, ht) in sizes() {
            let h = try ConsoleHarness(width: w, height: ht)
            h.startSession()
            h.press(.char(" "))  // Pregnant or breastfeeding
            h.press(.down, .down, .char(" "))  // Isotretinoin in the last 6 months: asks when
            h.type("2m")
            h.press(.enter)
            h.press(.char("s"), .char("y"), .char("c"), .enter)
            h.press(.char("3"), .char("l"))  // cleanse: refused while screening blocks
            let message =
                "Screening blocks treatment (Pregnant or breastfeeding, Isotretinoin in the last 6 months): a provider must"
                + " override with a reason, or abort. [panel 1, o]"
            let shown = h.text.split(separator: "\n").suffix(4).map { $0.trimmingCharacters(in: .whitespaces) }.joined(
                separator: " ")
            XCTAssertTrue(shown.contains(message) || h.text.contains(message), "the message is cut:\n\(h.text)")
            h.assertSnapshot("wrapped-refusal-\(w)x\(ht)")
            assertHintsKeepHelpAndLeave(h)
        }
    }
}
