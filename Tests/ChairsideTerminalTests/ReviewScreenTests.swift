import ChairsideCore
import ChairsideStore
import Foundation
import TestSupport
import XCTest

@testable import ChairsideTerminal

final class ReviewScreenTests: XCTestCase {
    func demo(width: Int, height: Int) throws -> ConsoleHarness { try .demo(width: width, height: height) }

    func testDayReviewMovesBetweenDaysAndToATypedDate() throws {
        let h = try demo(width: 80, height: 24)
        XCTAssertTrue(h.text.contains("5 sessions · 3 completed · 1 aborted · 1 open"), h.text)
        h.press(.left)
        XCTAssertEqual(h.app.model.today.day, ClinicDay(string: "2026-11-20"))
        XCTAssertTrue(h.text.contains("Day review · Friday 20 November 2026"))
        h.press(.char("g"), .ctrl("u"))
        h.type("2026-10-17")
        h.press(.enter)
        XCTAssertEqual(h.app.model.today.day, ClinicDay(string: "2026-10-17"))
        XCTAssertTrue(h.text.contains("José Müller"), h.text)
        XCTAssertTrue(h.text.contains("1 session · 1 completed"), h.text)
        h.press(.char("g"), .ctrl("u"))
        h.type("2026-02-30")
        h.press(.enter)
        guard case .form(let form) = h.app.model.overlay, form.content is GoToDateForm else {
            return XCTFail("an impossible date closed the form")
        }
        XCTAssertEqual(form.error, "Date (YYYY-MM-DD): type a date like 2026-11-21.")
        h.press(.escape, .char("t"))
        XCTAssertEqual(h.app.model.today.day, ClinicDay(string: "2026-11-21"))
    }

    func testDayReviewFlagsAnAdverseEventInItsOwnColour() throws {
        let h = try demo(width: 120, height: 40)
        let row = h.text.split(separator: "\n").firstIndex { $0.contains("Tomás García") }!
        XCTAssertEqual(h.screen.role(of: "A", onRow: row), .danger)
    }

    func testSessionDetailAt80x24() throws {
        let h = try demo(width: 80, height: 24)
        h.press(.down, .enter)  // 李小龙's completed session opens in detail
        XCTAssertEqual(h.app.model.session?.detail, true)
        h.assertSnapshot("session-detail-80x24")
    }

    func testSessionDetailShowsVoidsAndAmendmentsAt120x40() throws {
        let h = try ConsoleHarness(width: 120, height: 40)
        h.walkToAftercare()
        h.press(.char("u"))  // void the newest voidable event: the post-care product
        h.press(.tab)
        h.type("wrong lot")
        h.press(.enter)
        h.press(.char("6"), .char("a"))
        h.type("Soothing serum")
        h.press(.tab)
        h.type("S-10")
        h.press(.enter)
        h.press(.char("7"), .char("h"), .char("C"), .char("y"))
        h.press(.char("n"))
        h.type("Patient called: mild redness on day 2, as expected")
        h.press(.enter)
        h.press(.char("t"))
        let text = h.text
        XCTAssertTrue(text.contains("✗ VOIDED (wrong lot): Post-care: Soothing serum, lot S-9"), text)
        XCTAssertTrue(text.contains("Amendment: Patient called"), text)
        h.assertSnapshot("session-detail-120x40")
    }

    func testTheDetailReprintsTheAftercareOfAFinishedSession() throws {
        let h = try demo(width: 80, height: 24)
        h.press(.enter, .char("v"))  // José Müller's completed session, in detail
        guard case .sheet(let preview) = h.app.model.overlay else {
            return XCTFail("no sheet from the detail: \(h.status)")
        }
        XCTAssertTrue(preview.reprint)
        XCTAssertTrue(h.text.contains("Patient:  José Müller"))
        h.press(.char("s"), .enter)
        let id = h.app.model.session!.state.id
        XCTAssertEqual(
            try h.journalEvents().last?.kind, .aftercareReissued(delivery: .saved(file: h.dir + "/aftercare/\(id).pdf"))
        )
    }

    func testHistoryFromASessionAt80x24() throws {
        let h = try demo(width: 80, height: 24)
        h.press(.enter)  // José Müller's session today
        h.press(.char("H"))
        XCTAssertEqual(h.app.model.screen, .history)
        h.assertSnapshot("history-80x24")
        h.press(.escape)
        XCTAssertEqual(h.app.model.screen, .session)
    }

    func testHistoryFromPatientSearchAt120x40() throws {
        let h = try demo(width: 120, height: 40)
        h.press(.char("n"))
        h.type("amara")
        h.press(.right)
        XCTAssertEqual(h.app.model.screen, .history)
        h.assertSnapshot("history-120x40")
        h.press(.up, .enter)  // the earlier session, read-only detail
        XCTAssertEqual(h.app.model.session?.detail, true)
        XCTAssertEqual(h.app.model.session?.state.status, .completed)
    }
}

final class DamagedSessionScreenTests: XCTestCase {
    func testAnUnreadableLineIsShownWhereItStandsAndFlagsTheDay() throws {
        let h = try ConsoleHarness(width: 120, height: 40)
        h.walkToNeedling()
        let id = try XCTUnwrap(h.app.model.session?.state.id)
        h.press(.char("q"), .char("y"))
        let path = h.dir + "/days/\(ClinicDay(h.now, timeZone: Fixture.utc))/\(id).jsonl"
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false)
        lines[2] = Substring(lines[2].replacingOccurrences(of: "\"seq\":3", with: "\"seq\":9"))
        try lines.joined(separator: "\n").write(toFile: path, atomically: false, encoding: .utf8)

        h.store = try Store(root: h.dir, timeZone: Fixture.utc, today: ClinicDay(h.now, timeZone: Fixture.utc))
        h.start(width: 120, height: 40)
        XCTAssertTrue(h.text.contains("D damage (line/end/chain)"), h.text)
        h.press(.enter)
        XCTAssertTrue(h.text.contains("!! event #3 unreadable — original kept in place"), h.text)
        h.press(.char("q"), .char("y"))
        // Opening it read the journal: the day's list now flags it.
        XCTAssertEqual(h.app.model.today.sessions.first?.unreadableLines, 1)
        let row = h.screen.lines().first { $0.contains("José Müller") } ?? ""
        XCTAssertTrue(row.hasSuffix("D   ") || row.contains(" D"), row)
        h.press(.enter, .char("t"))
        XCTAssertTrue(h.text.contains("1 unreadable"), h.text)
        XCTAssertTrue(h.text.contains("!! event #3 unreadable"), h.text)
    }
}

final class UnreadableEndScreenTests: XCTestCase {
    func testASessionWhoseLastLineRottedOpensReadOnlyAndGoesOnOnlyAfterARecordedConfirmation() throws {
        let h = try ConsoleHarness(width: 120, height: 40)
        h.walkToNeedling()
        let id = try XCTUnwrap(h.app.model.session?.state.id)
        let technician = try XCTUnwrap(h.app.model.session?.state.start?.technician)
        h.press(.char("q"), .char("y"))
        let path = h.dir + "/days/\(ClinicDay(h.now, timeZone: Fixture.utc))/\(id).jsonl"
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        let lastStart = try XCTUnwrap(data.dropLast().lastIndex(of: 0x0A)) + 1
        data[(lastStart + data.count) / 2] ^= 0x04  // one bit in the last line; its newline stays
        try data.write(to: URL(fileURLWithPath: path))

        h.store = try Store(root: h.dir, timeZone: Fixture.utc, today: ClinicDay(h.now, timeZone: Fixture.utc))
        h.start(width: 120, height: 40)
        let row = h.screen.lines().first { $0.contains("José Müller") } ?? ""
        XCTAssertTrue(row.contains("unknown") && row.hasSuffix("D    "), row)
        XCTAssertFalse(row.contains("in progress") || row.contains("Needling"), row)
        XCTAssertTrue(h.text.contains("end unreadable"), "the day totals count it apart from open: \(h.text)")
        h.press(.enter)
        XCTAssertEqual(h.app.model.session?.detail, true, "opens on the read-only detail")
        XCTAssertTrue(h.text.contains("READ-ONLY: its last event is unreadable. Press K to continue it anyway"), h.text)
        XCTAssertTrue(h.text.contains("!! last event unreadable — status unknown"), h.text)
        // Nothing is recorded without the confirmation: the recording keys are not there.
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        h.press(.char("t"), .char("n"), .char("C"))
        XCTAssertNil(h.app.model.overlay, "no form opened")
        XCTAssertTrue(
            h.status.contains("C: read-only, its last event is unreadable. K continues it (recorded)"), h.status)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before, "nothing written")
        h.press(.char("K"))
        XCTAssertTrue(h.status.contains("Recorded: Continued after an unreadable last line"), h.status)
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        let last = try XCTUnwrap(
            JournalLine.decode(written.dropLast().split(separator: 0x0A).last.map { [UInt8]($0)[...] } ?? []))
        let event = try JSONCoding.decoder().decode(SessionEvent.self, from: last.payload)
        guard case .continuedAfterUnreadableEnd = event.kind else { return XCTFail("\(event.kind)") }
        XCTAssertEqual(event.by, technician, "who")
        XCTAssertEqual(event.at, Timestamp.truncated(h.now), "when")
        XCTAssertEqual(h.app.model.session?.state.isOpen, true, "it goes on as usual")
        XCTAssertFalse(h.text.contains("READ-ONLY"), h.text)
    }

    func testAnEditedLineWithARecomputedCheckShowsTheChainBreakInPlaceAndFlagsTheDay() throws {
        let h = try ConsoleHarness(width: 120, height: 40)
        h.walkToNeedling()
        let id = try XCTUnwrap(h.app.model.session?.state.id)
        h.press(.char("q"), .char("y"))
        let path = h.dir + "/days/\(ClinicDay(h.now, timeZone: Fixture.utc))/\(id).jsonl"
        var lines = try Data(contentsOf: URL(fileURLWithPath: path)).split(separator: 0x0A).map { Data($0) }
        let edited = try XCTUnwrap(JournalLine.decode([UInt8](lines[2])[...]))
        let payload = Data(
            String(decoding: edited.payload, as: UTF8.self).replacingOccurrences(of: "\"by\":\"", with: "\"by\":\"X")
                .utf8)
        lines[2] = JournalLine.encode(seq: edited.seq, payload: payload, more: edited.more, prev: edited.prev)
            .dropLast()
        try Data(lines.map { $0 + [0x0A] }.joined()).write(to: URL(fileURLWithPath: path))

        h.store = try Store(root: h.dir, timeZone: Fixture.utc, today: ClinicDay(h.now, timeZone: Fixture.utc))
        h.start(width: 120, height: 40)
        XCTAssertEqual(h.app.model.today.sessions.first?.chainBreaks, [4])
        let row = h.screen.lines().first { $0.contains("José Müller") } ?? ""
        XCTAssertTrue(row.hasSuffix("D    ") || row.contains(" D"), row)
        h.press(.enter, .char("t"))
        XCTAssertTrue(h.text.contains("hash chain breaks before #4"), h.text)
        XCTAssertTrue(
            h.text.contains("!! the hash chain breaks before event #4: a line before it was edited, deleted or"), h.text
        )
        XCTAssertEqual(h.app.model.session?.state.isOpen, true, "an intact end: the session goes on as usual")
    }
}
