import Foundation
import XCTest

/// What every end-to-end test shares: a temp store and config, a tmux server, the CLI,
/// and the key sequences that walk a session.
class EndToEndCase: XCTestCase {
    var dir: String!
    var tmux: Tmux!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("chairside-e2e-\(UUID().uuidString)").path
        try createConfigFolder()
        tmux = Tmux()
    }

    func createConfigFolder() throws {
        try FileManager.default.createDirectory(atPath: dir + "/config", withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        tmux.kill()
        try? FileManager.default.removeItem(atPath: dir)
    }

    var store: String { dir + "/store" }
    var env: [String: String] {
        ["CHAIRSIDE_STORE": store, "XDG_CONFIG_HOME": dir + "/config", "TZ": "UTC", "LANG": "C.UTF-8"]
    }

    /// A shell line that runs the console, then reports how it ended and the terminal's modes.
    /// EXIT starts on a fresh line even when a killed console left the terminal without onlcr.
    /// Colour settings inherited from the test runner (`swift test` sets NO_COLOR=1) are dropped,
    /// so only `env` decides them.
    func consoleLine() -> String {
        let vars = env.map { "\($0.key)='\($0.value)'" }.sorted().joined(separator: " ")
        return
            "env -u NO_COLOR -u COLORTERM \(vars) '\(Tmux.binary)'; printf '\\r\\nEXIT=%s\\r\\n' $?; stty -a | tr '\\n' ' '; echo; sleep 600"
    }

    func cli(_ args: String...) -> (status: Int32, out: String, err: String) { cli(args) }

    func cli(_ args: [String]) -> (status: Int32, out: String, err: String) {
        Tmux.run([Tmux.binary] + args, environment: env)
    }

    /// New patient, start form with Forehead planned, then the session console.
    func startSession(name: String) {
        tmux.waitFor("n new session")
        tmux.send("n")
        tmux.waitFor("Patient:")
        tmux.send("C-n")
        tmux.waitFor("New patient")
        tmux.type(name)
        tmux.send("Tab")
        tmux.type("C-7001")
        tmux.send("Enter")
        tmux.waitFor("Start session")
        tmux.send("Tab", "Tab", "Space", "Enter")
        tmux.waitFor("Session started")
    }

    /// Screening with nothing to report, then the patient's consent.
    func screenAndConsent() {
        tmux.send("s")
        tmux.waitFor("Save the screening")
        tmux.send("y")
        tmux.waitFor("Recorded: Screening")
        tmux.send("c", "Enter")
        tmux.waitFor("Recorded: Consent")
    }

    /// Numbing cream on (panel 3), with the protocol's dwell target or the one given.
    func applyNumbing(dwellMinutes: Int? = nil) {
        tmux.send("3", "a")
        tmux.type("BLT cream")
        tmux.send("Tab")
        tmux.type("N-77")
        if let dwellMinutes {
            tmux.send("Tab")
            tmux.type("\(dwellMinutes)")
        }
        tmux.send("Enter")
        tmux.waitFor("Recorded: Numbing applied")
    }

    func walkToNeedling() {
        screenAndConsent()
        applyNumbing()
        tmux.send("2", "b", "Tab", "Tab")
        tmux.type("T-1")
        tmux.send("Enter")
        tmux.waitFor("Recorded: Blood drawn")
        tmux.send("g", "Enter")
        tmux.waitFor("Recorded: Centrifuge started")
        // Stopped at once, so the console asks, and the short spin is recorded as a warning.
        tmux.send("x")
        tmux.waitFor("Stop it now?")
        tmux.send("y")
        tmux.waitFor("The centrifuge was stopped after")
        tmux.send("r", "Enter")
        tmux.waitFor("Recorded: PRP prepared")
        tmux.send("3", "r")
        tmux.waitFor("Recorded: Numbing removed")
        tmux.send("l")
        tmux.waitFor("Recorded: Skin cleansed")
        tmux.send("4")
        tmux.waitFor("NEEDLING")
    }

    func logPass() {
        tmux.send("Enter")
        tmux.waitFor("Log pass")
        tmux.send("Enter")
        tmux.waitFor("Recorded: Pass")
    }

    func eventCount(_ id: String) throws -> Int {
        let r = cli("show", id, "--json")
        XCTAssertEqual(r.status, 0, r.err)
        let record = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any]
        return (record?["events"] as? [[String: Any]])?.count ?? -1
    }

    /// The session's events as `show --json` prints them, without the summary (an open session's chair time runs on).
    func events(_ id: String) throws -> String {
        let r = cli("show", id, "--json")
        let record = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any], r.err)
        let data = try JSONSerialization.data(withJSONObject: record["events"] ?? [], options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    func onlySessionID() throws -> String {
        let r = cli("today", "--json")
        let day = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let list = try XCTUnwrap(day["sessions"] as? [[String: Any]])
        XCTAssertEqual(list.count, 1)
        return try XCTUnwrap(list.first?["session_id"] as? String)
    }

    /// On from needling: one pass, PRP on all zones, a post-care product; the aftercare panel is next.
    func walkToAftercare() {
        walkToNeedling()
        logPass()
        tmux.send("5", "a", "Enter")
        tmux.waitFor("Recorded: PRP applied")
        tmux.send("6", "a")
        tmux.type("Soothing serum")
        tmux.send("Tab")
        tmux.type("S-1")
        tmux.send("Enter")
        tmux.waitFor("Recorded: Post-care")
    }

    /// Leaves the open session (it stays resumable) and quits the console cleanly.
    func leaveSessionAndQuit() {
        tmux.send("q")
        tmux.waitFor("Leave this session?")
        tmux.send("y")
        tmux.waitFor("n new session")
        tmux.send("q")
        tmux.waitFor("EXIT=0")
    }

    /// The day a session ID carries, as the CLI takes it: 20261121-… is 2026-11-21.
    func dayOf(_ id: String) -> String {
        String(id.prefix(4)) + "-" + String(id.dropFirst(4).prefix(2)) + "-" + String(id.dropFirst(6).prefix(2))
    }

    /// Completes the session on screen, leaves it, and quits the console cleanly.
    func completeAndQuit() {
        tmux.send("C")
        tmux.waitFor("Complete this session?")
        tmux.send("y")
        tmux.waitFor("Recorded: Completed")
        tmux.send("q")
        tmux.waitFor("completed")
        tmux.send("q")
        tmux.waitFor("EXIT=0")
    }
}
