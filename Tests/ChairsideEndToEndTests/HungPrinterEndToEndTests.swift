import Foundation
import XCTest

/// A print server that stops answering must never stop the room's clock: while `lp` waits on a
/// frozen cupsd, the console keeps its timers, rings the numbing alert on time and takes keys.
final class HungPrinterEndToEndTests: EndToEndCase {
    var cups: PrivateCUPS?

    override func setUpWithError() throws {
        try super.setUpWithError()
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/cupsd") else {
            let why = "no /usr/sbin/cupsd: install cups (see README)"
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail(why) }
            throw XCTSkip(why)
        }
        let cups = try PrivateCUPS()
        try cups.start()
        self.cups = cups
        try "[clinic]\nprinter = \"front-desk\"\n".write(
            toFile: dir + "/config/chairside/config.toml", atomically: true, encoding: .utf8)
    }

    override func createConfigFolder() throws {
        try FileManager.default.createDirectory(atPath: dir + "/config/chairside", withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        cups?.stop()
        try super.tearDownWithError()
    }

    override var env: [String: String] { super.env.merging(["CUPS_SERVER": cups?.socket ?? ""]) { $1 } }

    /// The "Total m:ss" of the session header.
    func total(_ screen: String) -> String? {
        guard let range = screen.range(of: #"Total \d+:\d\d"#, options: .regularExpression) else { return nil }
        return String(screen[range])
    }

    func testTimersAndTheNumbingAlertRunWhileThePrinterHangs() throws {
        cups?.pause()
        tmux.start(consoleLine())
        startSession(name: "Ines Duarte")
        screenAndConsent()
        // Numbing with a one-minute target, so the alert falls inside the 20 s that lp is given.
        applyNumbing(dwellMinutes: 1)
        // A sheet prints once a pass is logged, and a pass needs the cream off: remove it, cleanse,
        // log a pass, then void the removal (a mistake undone), so the cream is on and its timer runs.
        tmux.send("r")
        tmux.waitFor("Recorded: Numbing removed")
        tmux.send("l")
        tmux.waitFor("Recorded: Skin cleansed")
        tmux.send("4")
        logPass()
        tmux.send("u")
        tmux.waitFor("Undo (void) an event")
        tmux.send("Right", "Right")
        tmux.waitFor("Numbing removed")
        tmux.send("Tab")
        tmux.type("removed too early")
        tmux.send("Enter")
        tmux.waitFor("Recorded: Void")
        tmux.waitFor("target in", timeout: 5)
        tmux.send("7", "v")
        tmux.waitFor("Aftercare sheet")
        tmux.waitFor("target in 00:1", timeout: 70)  // 10–19 s before the alert
        tmux.send("p")
        let printing = tmux.waitFor("Printing…", timeout: 5)
        let before = try XCTUnwrap(total(printing), printing)

        let alert = tmux.waitFor("NUMBING TARGET REACHED", timeout: 30)
        XCTAssertTrue(alert.contains("Printing…"), "the alert came while lp was still waiting:\n\(alert)")
        XCTAssertTrue(alert.contains("Numbing target of 1 min reached"), alert)
        let during = try XCTUnwrap(total(alert), alert)
        XCTAssertNotEqual(before, during, "the header's timer moved on during the hung print")
        tmux.send("Down")
        tmux.waitFor("lines 2–", timeout: 5)  // keys work while it prints

        let failed = tmux.waitFor("Not printed", timeout: 40)
        XCTAssertFalse(failed.contains("Printing…"), failed)
        let show = cli("show", try onlySessionID())
        XCTAssertFalse(show.out.contains("Aftercare"), "nothing recorded for a sheet that did not print:\n\(show.out)")
    }
}
