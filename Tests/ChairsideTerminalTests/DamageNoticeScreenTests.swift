import ChairsideCore
import ChairsideStore
import Foundation
import TestSupport
import XCTest

@testable import ChairsideTerminal

/// Issue 14, fifth round: damage the store knows is said on the screens a user looks at.
final class DamageNoticeScreenTests: XCTestCase {
    func journalPath(_ h: ConsoleHarness, _ id: String) -> String {
        h.dir + "/days/\(ClinicDay(h.now, timeZone: Fixture.utc))/\(id).jsonl"
    }

    func reopen(_ h: ConsoleHarness, width: Int = 120, height: Int = 40) throws {
        h.store = try Store(root: h.dir, timeZone: Fixture.utc, today: ClinicDay(h.now, timeZone: Fixture.utc))
        h.start(width: width, height: height)
    }

    func testChairTimeAfterGoingOnPastAnUnreadableEndLeavesTheStretchOutAndSaysSo() throws {
        let h = try ConsoleHarness(width: 120, height: 40)
        h.walkToNeedling()
        let id = try XCTUnwrap(h.app.model.session?.state.id)
        let start = try XCTUnwrap(h.app.model.session?.state.start?.at)
        h.press(.char("q"), .char("y"))
        let path = journalPath(h, id)
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        let lastStart = try XCTUnwrap(data.dropLast().lastIndex(of: 0x0A)) + 1
        data[(lastStart + data.count) / 2] ^= 0x04
        try data.write(to: URL(fileURLWithPath: path))
        h.now = h.now.addingTimeInterval(40 * 60)
        try reopen(h)
        h.press(.enter)
        // The last line is unreadable: the last event read is the one before it.
        let lastRead = try XCTUnwrap(h.app.model.session?.state.events.map(\.at).max())
        h.press(.char("K"))
        XCTAssertEqual(h.app.model.session?.state.isOpen, true)
        _ = h.advance(minutes: 5)
        let counted = Int(lastRead.timeIntervalSince(start)) + 5 * 60
        XCTAssertTrue(h.text.contains("Total ≥\(Clock.mmss(counted))"), "\(Clock.mmss(counted)) " + h.text)
        if h.app.model.session?.detail != true { h.press(.char("t")) }
        XCTAssertEqual(h.app.model.session?.detail, true)
        XCTAssertTrue(h.text.contains("chair time ≥ \(Clock.hmm(counted)) (an unreadable stretch of"), h.text)
        h.press(.char("t"), .char("q"), .char("y"))
        let row = h.screen.lines().first { $0.contains("José Müller") } ?? ""
        XCTAssertTrue(row.contains("≥\(Clock.hmm(counted))"), row)
        XCTAssertTrue(h.text.contains("chair time ≥ \(Clock.hmm(counted))"), h.text)
    }

    func testTheDayReviewSaysTheDayNoLongerMatchesTheAnchorRecordedBeforeTheDamage() throws {
        let h = try ConsoleHarness(width: 120, height: 40)
        h.walkToNeedling()
        let id = try XCTUnwrap(h.app.model.session?.state.id)
        h.press(.char("q"), .char("y"))
        let day = ClinicDay(h.now, timeZone: Fixture.utc)
        let recorded = try h.store.anchor(on: day).root
        var lines = try Data(contentsOf: URL(fileURLWithPath: journalPath(h, id))).split(separator: 0x0A).map {
            Data($0)
        }
        let last = try XCTUnwrap(JournalLine.decode([UInt8](lines[lines.count - 1])[...]))
        let payload = Data(
            String(decoding: last.payload, as: UTF8.self).replacingOccurrences(of: "\"by\":\"", with: "\"by\":\"X")
                .utf8)
        lines[lines.count - 1] = JournalLine.encode(seq: last.seq, payload: payload, more: last.more, prev: last.prev)
            .dropLast()
        try Data(lines.map { $0 + [0x0A] }.joined()).write(to: URL(fileURLWithPath: journalPath(h, id)))
        // The console's own opening (for writing) finds the mismatch and rebuilds the day index.
        try reopen(h)
        let now = try h.store.anchor(on: day).root
        XCTAssertNotEqual(now, recorded)
        let banner = h.screen.lines().first { $0.contains("!! The day no longer matches its anchor") } ?? ""
        XCTAssertTrue(banner.contains("was \(recorded.prefix(8)), now \(now.prefix(8))"), h.text)
        XCTAssertTrue(banner.contains("Run `chairside check`."), banner)
        let row = h.screen.lines().firstIndex { $0.contains("!! The day no longer matches") } ?? 0
        XCTAssertEqual(h.screen.role(of: "!!", onRow: row), .danger)
        XCTAssertTrue(h.text.contains("José Müller"), "the list is still there: \(h.text)")

        _ = try h.store.acceptStandingFindings(day.description)
        try reopen(h, width: 80, height: 24)
        let accepted = h.screen.lines().first { $0.contains("!! The day's anchor was") } ?? ""
        XCTAssertTrue(accepted.contains("\(recorded.prefix(8)), now \(now.prefix(8)) (accepted)"), h.text)
    }
}
