import Foundation
import XCTest

/// A whole session on the real binary in tmux at 80×24 that uses the procedure's checks: BOTOX
/// "5 days ago", a typed depth above the protocol maximum and back down, a short spin, and
/// completing without PRP applied or post-care.
final class ProcedureEndToEndTests: EndToEndCase {
    func testWholeSessionWithDatedScreeningTypedDepthShortSpinAndCompletionReasons() throws {
        tmux.start(consoleLine())
        startSession(name: "Ines Duarte")

        // Neurotoxin is the eleventh item; Space asks when, and the date shows before saving.
        for _ in 0..<10 { tmux.send("Down") }
        tmux.send("Space")
        tmux.waitFor("When (date, or 5d, 3w, 6m ago)")
        tmux.type("5d")
        tmux.send("Enter")
        let dated = tmux.waitFor("(5 days ago); a warning will be")
        XCTAssertTrue(dated.contains("When: "), dated)
        tmux.send("s")
        tmux.waitFor("Save the screening")
        tmux.send("y")
        tmux.waitFor("Screening: Neurotoxin in the last 2 weeks (last:")
        tmux.send("c", "Enter")
        tmux.waitFor("Recorded: Consent")

        tmux.send("3", "k")
        tmux.waitFor("Skip numbing")
        tmux.type("patient prefers none")
        tmux.send("Enter")
        tmux.waitFor("Recorded: Numbing skipped")
        tmux.send("l")
        tmux.waitFor("Recorded: Skin cleansed")
        tmux.send("2", "b", "Tab", "Tab")
        tmux.type("T-1")
        tmux.send("Enter")
        tmux.waitFor("Recorded: Blood drawn")
        tmux.send("g", "Enter")
        tmux.waitFor("Recorded: Centrifuge started")
        tmux.send("x")
        tmux.waitFor("Stop it now?")
        tmux.send("y")
        // The warning is longer than the screen is wide: it wraps onto a second row, whole.
        let short = tmux.waitFor("The centrifuge was stopped after")
        let rows = short.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let at = try XCTUnwrap(rows.firstIndex { $0.hasPrefix("The centrifuge was stopped after") })
        XCTAssertEqual(
            rows[at] + " " + rows[at + 1],
            "The centrifuge was stopped after 00:00 of its 08:00 program: the spin was short.")

        // A typed depth above the forehead's 0.75 mm asks once; coming back down never asks.
        tmux.send("4", "d", "C-u")
        tmux.type("1.25")
        tmux.send("Enter")
        tmux.waitFor("is above the protocol maximum of 0.75 mm. Go")
        tmux.send("y")
        tmux.waitFor("Recorded: Depth Forehead: 0.50 mm → 1.25 mm")
        tmux.send("Enter")
        tmux.waitFor("Log pass")
        tmux.send("C-u")
        tmux.type("3")
        tmux.send("Enter")
        tmux.waitFor("above the protocol maximum")
        tmux.send("d", "C-u")
        tmux.type("0.75")
        tmux.send("Enter")
        let down = tmux.waitFor("Recorded: Depth Forehead: 1.25 mm → 0.75 mm")
        XCTAssertFalse(down.contains("Go deeper"), down)
        tmux.send("Enter")
        tmux.waitFor("Log pass")
        tmux.send("C-u")
        tmux.type("2")
        tmux.send("Enter")
        tmux.waitFor("Recorded: Pass")

        // Aftercare handed; completing without PRP applied or post-care asks why.
        tmux.send("7", "h")
        tmux.waitFor("Recorded: Aftercare")
        tmux.send("C")
        tmux.waitFor("Why no PRP was applied")
        tmux.type("patient declined PRP on the day")
        tmux.send("Tab")
        tmux.type("serum out of stock")
        tmux.send("Enter")
        tmux.waitFor("completed because")
        tmux.send("q")
        tmux.waitFor("n new session")
        tmux.send("q")
        tmux.waitFor("EXIT=0")

        let id = try onlySessionID()
        let show = cli("show", id)
        XCTAssertEqual(show.status, 0, show.err)
        XCTAssertTrue(show.out.contains("Passes: 5 "), "passes, not entries:\n\(show.out)")
        XCTAssertTrue(
            show.out.contains("No PRP applied; completed because: patient declined PRP on the day."), show.out)
        XCTAssertTrue(show.out.contains("No post-care applied; completed because: serum out of stock."), show.out)
        XCTAssertTrue(show.out.contains("the spin was short"), show.out)
        // Only the change that asked says "confirmed"; coming back down asked nothing and says nothing of it.
        XCTAssertTrue(
            show.out.contains("Depth Forehead: 0.50 mm → 1.25 mm (above the protocol maximum, confirmed)"), show.out)
        let downLine = show.out.split(separator: "\n").first { $0.contains("Depth Forehead: 1.25 mm → 0.75 mm") }
        XCTAssertEqual(downLine.map { $0.contains("confirmed") }, false, show.out)
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let c = utc.dateComponents([.year, .month, .day], from: Date().addingTimeInterval(-5 * 86_400))
        let fiveDaysAgo = String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
        let history = cli("history", "C-7001")
        XCTAssertTrue(history.out.contains("neurotoxin \(fiveDaysAgo)"), history.out)
        XCTAssertEqual(cli("check").status, 0)
    }
}
