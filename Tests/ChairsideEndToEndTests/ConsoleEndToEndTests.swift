import Foundation
import XCTest

/// The real binary in tmux: a whole session by keys, a kill -9 mid-needling, signals, resize, bad TERM.
final class ConsoleEndToEndTests: EndToEndCase {
    func testWholeSessionByKeysThenTodayListsIt() throws {
        tmux.start(consoleLine())
        startSession(name: "Zoë Ó Briain")
        walkToAftercare()
        tmux.send("7", "h")
        tmux.waitFor("Recorded: Aftercare")
        completeAndQuit()
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
        XCTAssertEqual(acknowledged, 13)
        let before = try events(id)

        let pid = try XCTUnwrap(tmux.programPID)
        XCTAssertEqual(sendSignal(pid, SIGKILL), 0)
        tmux.waitFor("EXIT=137")

        tmux.kill()
        tmux = Tmux()
        tmux.start(consoleLine())
        let today = tmux.waitFor("José Müller")
        XCTAssertTrue(today.contains("Needling"), today)
        XCTAssertTrue(today.contains("1 session · 0 completed · 0 aborted · 1 open"), today)
        tmux.send("Enter")
        let resumed = tmux.waitFor("Resumed at Needling")
        XCTAssertTrue(resumed.contains("NEEDLING"), resumed)
        XCTAssertTrue(resumed.contains("#13 Pass: Forehead"), resumed)
        XCTAssertEqual(try events(id), before, "every acknowledged event is present, byte for byte")
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
            XCTAssertTrue(
                after.contains(" icanon") && after.contains(" echo"),
                "signal \(signal) left the terminal raw:\n\(after)")
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
        // A real terminal whose type cannot address the cursor.
        tmux.start(consoleLine().replacingOccurrences(of: "-u COLORTERM", with: "-u COLORTERM TERM=dumb"))
        let screen = tmux.waitFor("EXIT=")
        XCTAssertTrue(screen.contains("cannot run a full-screen console"), screen)
        XCTAssertFalse(screen.contains("EXIT=0"), screen)
    }

    func testBadConfigRefusesToStartAndNamesFileLineAndKey() throws {
        try FileManager.default.createDirectory(atPath: dir + "/config/chairside", withIntermediateDirectories: true)
        try "[clinic]\nname = \"A\"\nroomz = [\"1\"]\n".write(
            toFile: dir + "/config/chairside/config.toml", atomically: true, encoding: .utf8)
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
        XCTAssertTrue(today.contains("5 sessions · 3 completed · 1 aborted · 1 open"), today)
        XCTAssertTrue(today.contains("李小龙"), today)
        let check = cli("check")
        XCTAssertEqual(check.status, 0, check.out)
    }

    func testCheckExitsNonZeroOnDamage() throws {
        XCTAssertEqual(cli("demo").status, 0)
        let days = try FileManager.default.contentsOfDirectory(atPath: store + "/days").sorted()
        let first = store + "/days/" + days[0]
        let journal = try XCTUnwrap(
            FileManager.default.contentsOfDirectory(atPath: first).first { $0.hasSuffix(".jsonl") })
        try Data("garbage\n".utf8).write(to: URL(fileURLWithPath: first + "/" + journal))
        let r = cli("check")
        XCTAssertEqual(r.status, 1, r.out)
        XCTAssertTrue(r.out.contains("moved to quarantine/"), r.out)
    }
}

/// Sends a signal to the console under test.
func sendSignal(_ pid: Int32, _ sig: Int32) -> Int32 { Glibc.kill(pid, sig) }
