import Foundation
import XCTest

/// The real binary in tmux: a whole session by keys, a kill -9 mid-needling, signals, resize, bad TERM.
final class ConsoleEndToEndTests: XCTestCase {
    var dir: String!
    var tmux: Tmux!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("chairside-e2e-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/config", withIntermediateDirectories: true)
        tmux = Tmux()
    }

    override func tearDownWithError() throws {
        tmux.kill()
        try? FileManager.default.removeItem(atPath: dir)
    }

    var store: String { dir + "/store" }
    var env: [String: String] { ["CHAIRSIDE_STORE": store, "XDG_CONFIG_HOME": dir + "/config", "TZ": "UTC", "LANG": "C.UTF-8"] }

    /// A shell line that runs the console, then reports how it ended and the terminal's modes.
    func consoleLine() -> String {
        let vars = env.map { "\($0.key)='\($0.value)'" }.sorted().joined(separator: " ")
        return "env \(vars) '\(Tmux.binary)'; echo EXIT=$?; stty -a | tr '\\n' ' '; echo; sleep 600"
    }

    func cli(_ args: String...) -> (status: Int32, out: String, err: String) {
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

    func walkToNeedling() {
        tmux.send("s")
        tmux.waitFor("Save the screening")
        tmux.send("y")
        tmux.waitFor("Recorded: Screening")
        tmux.send("c", "Enter")
        tmux.waitFor("Recorded: Consent")
        tmux.send("3", "a")
        tmux.type("BLT cream")
        tmux.send("Tab")
        tmux.type("N-77")
        tmux.send("Enter")
        tmux.waitFor("Recorded: Numbing applied")
        tmux.send("2", "b", "Tab", "Tab")
        tmux.type("T-1")
        tmux.send("Enter")
        tmux.waitFor("Recorded: Blood drawn")
        tmux.send("g", "Enter")
        tmux.waitFor("Recorded: Centrifuge started")
        tmux.send("x")
        tmux.waitFor("Recorded: Centrifuge stopped")
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
        let events = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]]
        return events?.count ?? -1
    }

    func onlySessionID() throws -> String {
        let r = cli("today", "--json")
        let list = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]])
        XCTAssertEqual(list.count, 1)
        return try XCTUnwrap(list.first?["id"] as? String)
    }

    func testWholeSessionByKeysThenTodayListsIt() throws {
        tmux.start(consoleLine())
        startSession(name: "Zoë Ó Briain")
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
        tmux.send("7", "h")
        tmux.waitFor("Recorded: Aftercare")
        tmux.send("C")
        tmux.waitFor("Complete this session?")
        tmux.send("y")
        tmux.waitFor("Recorded: Completed")
        tmux.send("q")
        tmux.waitFor("completed")
        tmux.send("q")
        tmux.waitFor("EXIT=0")
        let after = tmux.waitFor("baud")
        XCTAssertTrue(after.contains(" icanon") && after.contains(" echo"), "terminal restored after q:\n\(after)")

        let today = cli("today")
        XCTAssertEqual(today.status, 0)
        XCTAssertTrue(today.out.contains("Zoë Ó Briain"), today.out)
        XCTAssertTrue(today.out.contains("completed"), today.out)
        let show = cli("show", try onlySessionID())
        XCTAssertTrue(show.out.contains("Completed"), show.out)
        XCTAssertTrue(show.out.contains("Pass: Forehead 0.50 mm"), show.out)
        XCTAssertEqual(cli("check").status, 0)
    }

    func testKillNineMidNeedlingResumesAtTheSameStepWithEveryAcknowledgedEvent() throws {
        tmux.start(consoleLine())
        startSession(name: "José Müller")
        walkToNeedling()
        logPass()
        logPass()
        let id = try onlySessionID()
        let acknowledged = try eventCount(id)
        XCTAssertEqual(acknowledged, 12)
        let before = cli("show", id, "--json").out

        let pid = try XCTUnwrap(tmux.programPID)
        XCTAssertEqual(sendSignal(pid, SIGKILL), 0)
        tmux.waitFor("EXIT=137")

        tmux.kill()
        tmux = Tmux()
        tmux.start(consoleLine())
        let today = tmux.waitFor("José Müller")
        XCTAssertTrue(today.contains("Needling"), today)
        XCTAssertTrue(today.contains("in progress"), today)
        tmux.send("Enter")
        let resumed = tmux.waitFor("Resumed at Needling")
        XCTAssertTrue(resumed.contains("NEEDLING"), resumed)
        XCTAssertTrue(resumed.contains("#12 Pass: Forehead"), resumed)
        XCTAssertEqual(cli("show", id, "--json").out, before, "every acknowledged event is present, byte for byte")
        logPass()
        XCTAssertEqual(try eventCount(id), acknowledged + 1, "the resumed session keeps recording")
    }

    func testSecondConsoleCannotTakeOverAnOpenSession() throws {
        tmux.start(consoleLine())
        startSession(name: "Amara Okafor")
        let other = Tmux()
        defer { other.kill() }
        other.start(consoleLine())
        other.waitFor("Amara Okafor")
        other.send("Enter")
        other.waitFor("is open on another console")
    }

    func testSignalsRestoreTheTerminal() throws {
        for (signal, code) in [(SIGTERM, 143), (SIGHUP, 129), (SIGSEGV, 139)] {
            tmux.kill()
            tmux = Tmux()
            tmux.start(consoleLine())
            tmux.waitFor("n new session")
            let pid = try XCTUnwrap(tmux.programPID)
            XCTAssertEqual(sendSignal(pid, signal), 0)
            tmux.waitFor("EXIT=\(code)")
            let after = tmux.waitFor("baud")
            XCTAssertTrue(after.contains(" icanon") && after.contains(" echo"), "signal \(signal) left the terminal raw:\n\(after)")
        }
    }

    func testCtrlCRestoresTheTerminal() throws {
        tmux.start(consoleLine())
        tmux.waitFor("n new session")
        tmux.send("C-c")
        tmux.waitFor("EXIT=130")
        let after = tmux.waitFor("baud")
        XCTAssertTrue(after.contains(" icanon") && after.contains(" echo"), after)
    }

    func testResizeRelaysOutAndSaysWhenTooSmall() throws {
        tmux.start(consoleLine(), width: 100, height: 30)
        tmux.waitFor("n new session")
        tmux.resize(width: 60, height: 20)
        tmux.waitFor("Terminal too small: 60x20")
        tmux.resize(width: 120, height: 40)
        tmux.waitFor("n new session")
    }

    func testUnusableTerminalExitsWithAClearMessage() {
        var e = env
        e["TERM"] = "dumb"
        let r = Tmux.run([Tmux.binary], environment: e)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.err.contains("cannot run a full-screen console"), r.err)
    }

    func testBadConfigRefusesToStartAndNamesFileLineAndKey() throws {
        try FileManager.default.createDirectory(atPath: dir + "/config/chairside", withIntermediateDirectories: true)
        try "[clinic]\nname = \"A\"\nroomz = [\"1\"]\n".write(toFile: dir + "/config/chairside/config.toml", atomically: true, encoding: .utf8)
        let r = cli("show", "20261121-090000-0001")
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("config.toml:3: clinic.roomz: is not a setting"), r.err)
    }

    func testDemoFillsTodayWithEveryKindOfSession() throws {
        XCTAssertEqual(cli("demo").status, 0)
        let today = cli("today").out
        XCTAssertTrue(today.contains("completed"), today)
        XCTAssertTrue(today.contains("aborted"), today)
        XCTAssertTrue(today.contains("in progress"), today)
        XCTAssertTrue(today.contains("李小龙"), today)
        let check = cli("check")
        XCTAssertEqual(check.status, 0, check.out)
    }

    func testCheckExitsNonZeroOnDamage() throws {
        XCTAssertEqual(cli("demo").status, 0)
        let days = try FileManager.default.contentsOfDirectory(atPath: store + "/days").sorted()
        let first = store + "/days/" + days[0]
        let journal = try XCTUnwrap(FileManager.default.contentsOfDirectory(atPath: first).first { $0.hasSuffix(".jsonl") })
        try Data("garbage\n".utf8).write(to: URL(fileURLWithPath: first + "/" + journal))
        let r = cli("check")
        XCTAssertEqual(r.status, 1, r.out)
        XCTAssertTrue(r.out.contains("moved to quarantine/"), r.out)
    }
}

/// Sends a signal to the console under test.
func sendSignal(_ pid: Int32, _ sig: Int32) -> Int32 { Glibc.kill(pid, sig) }
