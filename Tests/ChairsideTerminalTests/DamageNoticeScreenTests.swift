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
        let acceptedRow = h.screen.lines().firstIndex { $0.contains("!! The day's anchor was") } ?? 0
        XCTAssertEqual(h.screen.role(of: "!!", onRow: acceptedRow), .warning, "accepted: a fact, not an alarm")
    }

    /// Flips one bit just inside `field`'s value on line `index` (0-based) of a journal: the line fails
    /// its check, and every other field's bytes (IDs, lot numbers) stay as they were.
    func garble(_ path: String, line index: Int, inside field: String) throws {
        var all = try Data(contentsOf: URL(fileURLWithPath: path)).split(separator: 0x0A).map { Data($0) + [0x0A] }
        let at = try XCTUnwrap(all[index].range(of: Data("\"\(field)\":\"".utf8))).upperBound + 1
        all[index][at] ^= 0x04
        try all.reduce(Data(), +).write(to: URL(fileURLWithPath: path))
    }

    func testPatientSearchWarnsOfAnUnreadablePatientLineAndFlagsThePatientItNames() throws {
        let h = try ConsoleHarness(width: 100, height: 30)
        var ana = try h.store.savePatient(Fixture.patient("Ana Silva", id: "", chart: "C-1"))
        _ = try h.store.savePatient(Fixture.patient("Ben Okafor", id: "", chart: "C-2"))
        ana.notes = "sensitive skin"
        _ = try h.store.savePatient(ana)
        try garble(h.dir + "/patients/journal.jsonl", line: 2, inside: "notes")
        try reopen(h, width: 100, height: 30)
        h.press(.char("n"))
        let lines = h.screen.lines()
        XCTAssertTrue(
            lines[3].contains(
                "!! patient records damaged: line 3 unreadable (kept in place). Run `chairside check`."), h.text)
        XCTAssertEqual(h.screen.role(of: "!! patient records", onRow: 3), .danger)
        let ana2 = try XCTUnwrap(lines.firstIndex { $0.contains("Ana Silva") })
        XCTAssertTrue(lines[ana2].contains("Ana Silva  !! record damaged"), lines[ana2])
        let ben = try XCTUnwrap(lines.firstIndex { $0.contains("Ben Okafor") })
        XCTAssertFalse(lines[ben].contains("record damaged"), lines[ben])
        // The selected row is Ana's (first by name); off it, her row is drawn as danger.
        h.press(.down)
        XCTAssertEqual(h.screen.role(of: "Ana Silva", onRow: ana2), .danger)
        XCTAssertEqual(h.screen.role(of: "Ben Okafor", onRow: ben), .selected)
        h.type("ben")
        XCTAssertTrue(h.screen.lines()[3].contains("!! patient records damaged"), "said for every search")
    }

    func testAPatientJournalWithoutDamageShowsNoWarning() throws {
        let h = try ConsoleHarness(width: 100, height: 30)
        _ = try h.store.savePatient(Fixture.patient("Ana Silva", id: "", chart: "C-1"))
        try reopen(h, width: 100, height: 30)
        h.press(.char("n"))
        XCTAssertFalse(h.text.contains("!!"), h.text)
    }

    /// NB-2611 added and opened; the line that opened it is unreadable.
    func lotInDoubt(width: Int, height: Int) throws -> ConsoleHarness {
        let h = try ConsoleHarness(width: width, height: height)
        for c: LotCommand in [
            .add(lot: "NB-2611", kind: .anaesthetic, product: "BLT cream", expires: ClinicDay(string: "2027-06-30")),
            .open(lot: "nb-2611"),
            .add(lot: "SR-7", kind: .serum, product: "Serum", expires: ClinicDay(string: "2027-06-30")),
        ] {
            try h.store.recordLot(c, by: "Alex Rivera", now: h.now)
        }
        try garble(h.dir + "/lots/journal.jsonl", line: 1, inside: "by")
        try reopen(h, width: width, height: height)
        return h
    }

    func testTheLotRegisterSaysALotNamedByAnUnreadableLineHasAnUnknownStatus() throws {
        for (width, height) in [(120, 40), (80, 24)] {
            let h = try lotInDoubt(width: width, height: height)
            h.press(.char("L"))
            let lines = h.screen.lines()
            XCTAssertTrue(lines[1].hasPrefix(" !! lot records"), h.text)
            XCTAssertTrue(lines[1].contains("line 2 unreadable (kept in place)"), h.text)
            let row = try XCTUnwrap(lines.firstIndex { $0.contains("NB-2611") })
            XCTAssertTrue(lines[row].contains(width >= 120 ? "unknown: line unreadable" : "unknown!"), lines[row])
            XCTAssertFalse(lines[row].contains("in stock"), "never shown as plainly in stock: \(lines[row])")
            h.press(.down)
            XCTAssertEqual(h.screen.role(of: "NB-2611", onRow: row), .danger)
            let other = try XCTUnwrap(lines.firstIndex { $0.contains("SR-7") })
            XCTAssertTrue(lines[other].contains("in stock"), lines[other])
        }
    }

    func testTheNumbingFormNeverOffersALotInDoubtAndRefusesItWithoutAReason() throws {
        let h = try lotInDoubt(width: 80, height: 24)
        h.startSession()
        h.press(.char("s"), .char("y"), .char("c"), .enter)
        h.press(.char("3"), .char("a"))
        guard case .form(let form) = h.app.model.overlay else { return XCTFail("no form") }
        XCTAssertEqual(form.value(of: "Lot")?.text, "", "NB-2611 is not offered")
        h.press(.tab, .ctrl("u"))
        h.type("NB-2611")
        h.press(.enter)
        XCTAssertTrue(h.text.contains("status is unknown"), h.text)
        XCTAssertFalse(try h.journalEvents().contains { $0.kind.lotNumbers == ["NB-2611"] }, "nothing recorded")
        h.press(.tab, .tab, .tab)
        h.type("checked the box: not recalled")
        h.press(.enter)
        guard case .lotOverridden(let lot, let problem, let reason) = try h.journalEvents().suffix(2).first?.kind
        else { return XCTFail("no override recorded") }
        XCTAssertEqual(lot, "NB-2611")
        XCTAssertTrue(problem.contains("status is unknown: a line about it in the lot register is unreadable"))
        XCTAssertEqual(reason, "checked the box: not recalled")
    }
}
