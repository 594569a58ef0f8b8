import Foundation
import XCTest

/// Home, End, PgUp and PgDn as tmux sends them while TERM says xterm-256color (tmux's own
/// sequences, not the ones xterm's description lists), and the console's answers without a terminal.
final class NavigationKeysEndToEndTests: EndToEndCase {
    override var env: [String: String] { super.env.merging(["TERM": "xterm-256color"]) { $1 } }

    func testHomeEndAndPagesScrollTheSheetUnderTmux() throws {
        tmux.start(consoleLine())
        startSession(name: "Noor Haddad")
        tmux.send("7", "v")
        let top = tmux.waitFor("lines 1–")
        let total = try XCTUnwrap(top.range(of: #"of \d+"#, options: .regularExpression).map { String(top[$0]) })
        tmux.send("End")
        tmux.waitFor("–\(total.dropFirst(3)) \(total)")
        tmux.send("Home")
        tmux.waitFor("lines 1–")
        tmux.send("NPage")
        let paged = tmux.waitFor("lines 18–")
        XCTAssertTrue(paged.contains(total), paged)
        tmux.send("PPage")
        tmux.waitFor("lines 1–")
        tmux.send("?")
        let help = tmux.waitFor("any key closes this help")
        XCTAssertTrue(help.contains("Home End"), help)
        XCTAssertTrue(help.contains("PgUp PgDn"), help)
    }

    func testAPastedLineBreakIsTextAndNeverSubmitsTheForm() throws {
        tmux.start(consoleLine())
        startSession(name: "Tomás Reyes")
        tmux.send("n")
        tmux.waitFor("Enter save")
        _ = tmux.tmux("set-buffer", "-b", "p", "Felt warm\nCall Tracy\u{1B}y")
        _ = tmux.tmux("paste-buffer", "-p", "-b", "p", "-t", tmux.session)
        let pasted = tmux.waitFor("Felt warm Call Tracy")
        XCTAssertTrue(pasted.contains("Enter save"), "the form is still open:\n\(pasted)")
        XCTAssertEqual(try eventCount(try onlySessionID()), 1, "nothing recorded by the paste")
        tmux.send("Enter")
        tmux.waitFor("Recorded: Note")
        XCTAssertEqual(try eventCount(try onlySessionID()), 2)
    }

    func testTheConsoleRefusesWithoutATerminalAndTellsItsVersion() {
        let noTerminal = cli([])
        XCTAssertEqual(noTerminal.status, 1)
        XCTAssertTrue(noTerminal.err.contains("The console needs a terminal"), noTerminal.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: store), "nothing was created")
        let version = cli("--version")
        XCTAssertEqual(version.status, 0)
        XCTAssertFalse(version.out.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
    }
}
