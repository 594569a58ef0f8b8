import ChairsideCore
import ChairsidePrinting
import ChairsideStore
import ChairsideTerminal
import Foundation
import TestSupport
import XCTest

/// A console on a real store in a temp directory, driven by messages, with a clock the test moves.
final class ConsoleHarness {
    let dir: String
    var now: Date
    var store: Store!
    var app: App!
    /// The standard settings, but with the privacy screen's idle timer off: tests that move the
    /// clock by hours would otherwise look at the privacy screen (PrivacyScreenTests turn it on).
    var config: ClinicConfig = {
        var c = ClinicConfig.standard
        c.privacyAfterMinutes = 0
        return c
    }()
    /// No printer program by default, so no test prints by accident; print tests set a real one.
    var desk = AftercareDesk(printer: CUPSPrinter(command: "/nonexistent/lp"))
    var themes = ThemeDesk()

    init(width: Int = 80, height: Int = 24, now: Date = Fixture.t0) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("chairside-ui-\(UUID().uuidString)").path
        self.now = now
        store = try Store(root: dir, timeZone: Fixture.utc, today: ClinicDay(now, timeZone: Fixture.utc))
        start(width: width, height: height)
    }

    func start(width: Int, height: Int) {
        app = App(
            store: store, config: config, timeZone: Fixture.utc, width: width, height: height,
            clock: { [unowned self] in self.now }, desk: desk, themes: themes)
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    /// The demo clinic at 17:00 on t0's day; earlier days hold the patients' past sessions.
    static func demo(width: Int, height: Int) throws -> ConsoleHarness {
        let h = try ConsoleHarness(width: width, height: height, now: Fixture.t0.addingTimeInterval(8 * 3600))
        // Fixed IDs: a stable day anchor on screen.
        try DemoClinic.fill(h.store, config: h.config, now: h.now, timeZone: Fixture.utc, seed: 7)
        h.start(width: width, height: height)
        return h
    }

    @discardableResult
    func press(_ keys: Key...) -> [Output] {
        keys.flatMap { app.handle(.key($0)) }
    }

    func type(_ text: String) { for c in text { app.handle(.key(.char(c))) } }

    func advance(minutes: Double) -> [Output] {
        now = now.addingTimeInterval(minutes * 60)
        return app.handle(.tick)
    }

    var screen: Canvas { app.render() }
    var text: String { screen.text }
    var status: String { app.model.status?.text ?? "" }

    /// Adds a patient and starts a session for them through the keys a technician would use.
    func startSession(name: String = "José Müller", chart: String = "C-1001", zones: Int = 2) {
        press(.char("n"), .ctrl("n"))
        for c in name { app.handle(.key(.char(c))) }
        press(.tab)
        type(chart)
        press(.enter)  // saves the patient, opens the start form
        press(.tab, .tab)  // to planned zones
        for i in 0..<zones {
            if i > 0 { press(.right, .right, .right, .right) }  // Forehead, then Cheeks
            press(.char(" "))
        }
        press(.enter)
    }

    /// Screening, consent, numbing on and off after 30 min, PRP spun and ready, skin cleansed.
    func walkToNeedling() {
        startSession()
        press(.char("s"), .char("y"), .char("c"), .enter)
        press(.char("3"), .char("a"))
        type("BLT cream")
        press(.tab)
        type("N-77")
        press(.enter)
        now = now.addingTimeInterval(120)
        press(.char("2"), .char("b"), .tab, .tab)
        type("T-1")
        press(.enter)
        press(.char("g"), .enter)
        now = now.addingTimeInterval(8 * 60)
        press(.char("x"), .char("r"), .enter)
        now = now.addingTimeInterval(20 * 60)
        press(.char("3"), .char("r"), .char("l"), .char("4"))
    }

    /// On from needling: one pass, PRP over all zones, a post-care product, then the aftercare panel.
    func walkToAftercare() {
        walkToNeedling()
        press(.enter, .enter)  // one pass on the first zone
        press(.char("5"), .char("a"), .enter)  // PRP on all zones
        press(.char("6"), .char("a"))
        type("Soothing serum")
        press(.tab)
        type("S-9")
        press(.enter)
        press(.char("7"))
    }

    /// The session's journal as the store has it on disk.
    func journalEvents() throws -> [SessionEvent] {
        guard let id = app.model.session?.state.id else { return [] }
        return try store.loadSession(id: id).events
    }

    /// Compares the screen with a stored snapshot; CHAIRSIDE_RECORD=1 writes it instead.
    func assertSnapshot(_ name: String, file: StaticString = #filePath, line: UInt = #line) {
        let dir = URL(fileURLWithPath: "\(file)").deletingLastPathComponent().appendingPathComponent("Snapshots")
        let path = dir.appendingPathComponent(name + ".txt")
        let actual = text + "\n"
        if ProcessInfo.processInfo.environment["CHAIRSIDE_RECORD"] == "1" {
            try? actual.write(to: path, atomically: true, encoding: .utf8)
            // Record mode never passes: a snapshot is only right once a person has read it.
            XCTFail(
                "Recorded Snapshots/\(name).txt; review it, then run without CHAIRSIDE_RECORD", file: file, line: line)
            return
        }
        guard let expected = try? String(contentsOf: path, encoding: .utf8) else {
            XCTFail(
                "No snapshot \(name).txt; run the tests once with CHAIRSIDE_RECORD=1 and review it", file: file,
                line: line)
            return
        }
        XCTAssertEqual(actual, expected, "screen differs from Snapshots/\(name).txt", file: file, line: line)
    }
}
