import ChairsideCore
import ChairsideStore
import Foundation
import XCTest

/// Issue 14, fifth round, through the real binary: damage that `check` knows is said where a user
/// looks — `chairside anchor` after an index rebuild, `history` and `lots` listings, the console's
/// patient search and lot register.
final class DamageNoticeEndToEndTests: EndToEndCase {
    var day: String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let c = cal.dateComponents([.year, .month, .day], from: Date())
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    /// A demo store checked clean once; today's completed session's journal.
    func checkedDemo() throws -> (id: String, path: String) {
        XCTAssertEqual(cli("demo").status, 0)
        let first = cli("check")
        XCTAssertEqual(first.status, 0, first.out + first.err)
        let listed = try json(cli("today", "--json").out)
        let list = try XCTUnwrap(listed["sessions"] as? [[String: Any]])
        let done = try XCTUnwrap(list.first { $0["status"] as? String == "completed" })
        let id = try XCTUnwrap(done["session_id"] as? String)
        return (id, "\(store)/days/\(day)/\(id).jsonl")
    }

    /// Rewrites line `index` (0-based) of a journal through `edit`, with a fresh checksum (its own check holds).
    func editLine(_ path: String, _ index: Int, _ edit: (String) -> String) throws {
        var lines = try Data(contentsOf: URL(fileURLWithPath: path)).split(separator: 0x0A).map { Data($0) }
        let i = index < 0 ? lines.count + index : index
        let line = try XCTUnwrap(JournalLine.decode([UInt8](lines[i])[...]))
        let payload = Data(edit(String(decoding: line.payload, as: UTF8.self)).utf8)
        lines[i] = JournalLine.encode(seq: line.seq, payload: payload, more: line.more, prev: line.prev).dropLast()
        try Data(lines.map { $0 + [0x0A] }.joined()).write(to: URL(fileURLWithPath: path))
    }

    func testAnchorSaysTheRootRecordedBeforeTheDamageAndExitsOneUntilAccepted() throws {
        let (_, path) = try checkedDemo()
        let before = cli("anchor", "--date", day)
        XCTAssertEqual(before.status, 0, before.err)
        let recorded = try XCTUnwrap(before.out.split(separator: " ").dropFirst().first { !$0.isEmpty })
        try editLine(path, -1) { $0.replacingOccurrences(of: "\"by\":\"", with: "\"by\":\"X") }
        XCTAssertEqual(cli("check").status, 1, "check finds the mismatch and rebuilds the day index")

        let after = cli("anchor", "--date", day)
        XCTAssertEqual(after.status, 1, after.out + after.err)
        XCTAssertFalse(after.out.hasPrefix("\(day)  \(recorded)"), "the first line is the root now")
        XCTAssertTrue(after.out.contains("no longer match the anchor recorded before "), after.out)
        XCTAssertTrue(after.out.contains("run `chairside check`"), after.out)
        XCTAssertTrue(after.out.contains("anchor recorded before the damage: \(recorded)"), after.out)
        let machine = cli("anchor", "--date", day, "--json")
        XCTAssertEqual(machine.status, 1)
        let object = try json(machine.out)
        XCTAssertEqual(object["matches_recorded"] as? Bool, false)
        let entry = try XCTUnwrap((object["recorded_before_damage"] as? [[String: Any]])?.first)
        XCTAssertEqual(entry["recorded_anchor"] as? String, String(recorded))
        XCTAssertEqual(entry["anchor_now"] as? String, object["anchor"] as? String)
        XCTAssertEqual(entry["differs"] as? Bool, true)

        XCTAssertEqual(cli("check", "--accept", day).status, 0)
        let accepted = cli("anchor", "--date", day)
        XCTAssertEqual(accepted.status, 0, accepted.out + accepted.err)
        XCTAssertTrue(accepted.out.contains("(accepted at "), accepted.out)
        XCTAssertTrue(accepted.out.contains("anchor recorded before the damage: \(recorded)"), accepted.out)
    }

    /// Flips one bit just inside `field`'s value on line `index` (0-based; negative from the end).
    func garble(_ path: String, line index: Int, inside field: String) throws {
        var all = try Data(contentsOf: URL(fileURLWithPath: path)).split(separator: 0x0A).map { Data($0) + [0x0A] }
        let i = index < 0 ? all.count + index : index
        guard all.indices.contains(i) else { return XCTFail("\(path) has no line \(index)") }
        let at = try XCTUnwrap(all[i].range(of: Data("\"\(field)\":\"".utf8))).upperBound + 1
        all[i][at] ^= 0x04
        try all.reduce(Data(), +).write(to: URL(fileURLWithPath: path))
    }

    func testPatientAndLotDamageIsSaidByHistoryLotsAndTheConsoleNotOnlyByCheck() throws {
        _ = try checkedDemo()
        // A merge line names two patients; then a lot withdrawn.
        XCTAssertEqual(cli("merge-patients", "C-1001", "C-1004", "--yes").status, 0)
        let added = cli(
            "lots", "add", "NB-2611", "--kind", "needle-cartridge", "--product", "12-pin", "--expires", "2027-05")
        XCTAssertEqual(added.status, 0, added.err)
        XCTAssertEqual(cli("lots", "withdraw", "nb-2611", "--reason", "maker recall").status, 0)
        try garble(store + "/patients/journal.jsonl", line: -1, inside: "name")
        try garble(store + "/lots/journal.jsonl", line: -1, inside: "reason")
        let lines = try Data(contentsOf: URL(fileURLWithPath: store + "/patients/journal.jsonl")).split(
            separator: 0x0A
        ).count
        XCTAssertEqual(cli("check").status, 1)

        let history = cli("history", "C-1001")
        XCTAssertEqual(history.status, 0, history.err)
        XCTAssertTrue(
            history.err.contains(
                "!! patient record #\(lines) and any after it unreadable (line \(lines) of patients/journal.jsonl, "
                    + "original kept in place) — a patient or a change may be missing. Run `chairside check`."),
            history.err)
        XCTAssertTrue(history.err.contains("an unreadable line names this patient"), history.err)
        for name in ["José", "Müller", "Amara", "C-1001", "p-"] {
            XCTAssertFalse(history.err.contains(name), "no patient data on stderr: \(history.err)")
        }
        let lots = cli("lots", "list")
        XCTAssertEqual(lots.status, 0, lots.err)
        XCTAssertTrue(lots.out.contains("unknown: a line about it is unreadable (replayed: in stock)"), lots.out)
        XCTAssertTrue(
            lots.err.contains("!! lot record #2 and any after it unreadable (line 2 of lots/journal.jsonl"), lots.err)
        let listed = try XCTUnwrap((try json(cli("lots", "list", "--json").out)["lots"] as? [[String: Any]])?.first)
        XCTAssertEqual(listed["status_unknown"] as? Bool, true)

        tmux.start(consoleLine(), width: 100, height: 30)
        tmux.waitFor("Today")
        tmux.send("n")
        tmux.waitFor("!! patient records damaged: line \(lines) unreadable (kept in place)")
        let search = tmux.waitFor("!! record damaged")
        XCTAssertTrue(search.contains("José Müller  !! record damaged"), search)
        tmux.send("Escape")
        tmux.waitFor("Today")
        tmux.send("L")
        tmux.waitFor("!! lot records")
        let register = tmux.waitFor("NB-2611")
        XCTAssertTrue(register.contains("unknown!") || register.contains("unknown: line unreadable"), register)
    }
}
