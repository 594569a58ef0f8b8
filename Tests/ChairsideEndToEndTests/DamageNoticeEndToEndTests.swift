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
}
