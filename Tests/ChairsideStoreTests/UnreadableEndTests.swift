import ChairsideCore
import Foundation
import TestSupport
import XCTest

@testable import ChairsideStore

/// Issue 14, fourth round: a journal whose end is unknown (last line damaged, last lines deleted,
/// a damaged tail cut) is never taken as in progress; going on is an explicit, recorded event; a
/// hash-chain break is carried into the session; a huge file in today's folder is judged by its size.
final class UnreadableEndTests: XCTestCase {
    var dir: String!
    let today = ClinicDay(string: "2026-11-21")!
    let id = "20261121-090000-0a0a"

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("chairside-end-\(UUID().uuidString)").path
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func openStore(_ access: StoreAccess = .create) throws -> Store {
        try Store(root: dir, timeZone: Fixture.utc, today: today, access: access)
    }

    var journalPath: String { "\(dir!)/days/2026-11-21/\(id).jsonl" }
    var rel: String { "days/2026-11-21/\(id).jsonl" }

    /// A completed session through the real store, one decision per append.
    func recordCompletedSession() throws -> [SessionEvent] {
        let store = try openStore()
        let p = try store.savePatient(Fixture.patient(id: ""))
        var d = SessionDriver(id: id)
        let start = try d.run(
            .start(patient: p, technician: "Alex Rivera", room: "Room 1", plannedZones: ["forehead"]), after: 0)
        let writer = try store.beginSession(id: id, events: start)
        defer { writer.close() }
        let before = d.state.events.count
        _ = try d.preparedForNeedling()
        try d.run(
            .logPass(
                Pass(zone: "forehead", depth: 0.5, count: 3, pattern: .horizontal, endpoint: .erythema),
                confirmAboveProtocol: false), after: 4)
        try d.run(.applyPRP(zone: nil, volumeML: 3.5, method: .after), after: 2)
        try d.run(.applyPostCare(product: "Soothing serum", lot: "S-9"), after: 3)
        try d.run(.recordAftercare(.handedPrePrinted), after: 2)
        try d.run(.complete)
        for event in d.state.events[before...] { try store.append([event], to: writer) }
        return d.state.events
    }

    func lines() throws -> [Data] {
        try Data(contentsOf: URL(fileURLWithPath: journalPath)).split(separator: 0x0A, omittingEmptySubsequences: false)
            .dropLast().map { Data($0) + [0x0A] }
    }

    func write(_ lines: [Data]) throws { try lines.reduce(Data(), +).write(to: URL(fileURLWithPath: journalPath)) }

    func flipBitInLastLine() throws {
        var all = try lines()
        all[all.count - 1][all[all.count - 1].count / 2] ^= 0x04
        try write(all)
    }

    func testARottedLastLineOfACompletedSessionIsNeverInProgressAndTheIndexStatusIsSaidAsSuch() throws {
        let events = try recordCompletedSession()
        try flipBitInLastLine()
        let summary = try XCTUnwrap(try openStore(.read).sessions(on: today).first)
        XCTAssertTrue(summary.endUnreadable)
        XCTAssertEqual(summary.endUnreadableAfter, events.count - 1)
        XCTAssertEqual(summary.status, .inProgress, "as replayed")
        XCTAssertFalse(summary.isOpen, "never open")
        XCTAssertEqual(summary.endStatusPerIndex, .completed, "the day index had recorded the completion at that seq")
        XCTAssertEqual(summary.statusLabel, "completed per the day index")
        let state = try openStore(.read).loadSession(id: id)
        XCTAssertTrue(state.endUnreadable)
        XCTAssertFalse(state.isOpen)
        XCTAssertEqual(
            state.endUnreadableText,
            "last event unreadable — completed (per the day index; the line is unreadable); see the original in line "
                + "\(events.count) of \(rel)")
    }

    func testLastTwoLinesDeletedAfterTheIndexRecordedThemIsAnUnreadableEnd() throws {
        let events = try recordCompletedSession()
        try write(Array(try lines().dropLast(2)))
        let store = try openStore(.write)
        let summary = try XCTUnwrap(try store.sessions(on: today).first)
        XCTAssertTrue(summary.endUnreadable, "\(store.report.findings)")
        XCTAssertEqual(summary.endUnreadableAfter, events.count - 2)
        XCTAssertEqual(summary.endStatusPerIndex, .completed)
        XCTAssertFalse(summary.isOpen)
        // The index the store rewrote keeps saying so at the next start (the journal now reads clean).
        let again = try XCTUnwrap(try openStore(.read).sessions(on: today).first)
        XCTAssertTrue(again.endUnreadable)
        XCTAssertEqual(again.endStatusPerIndex, .completed)
        // Going on numbers the confirmation after the lost events: a replica may hold #\(events.count) already.
        let writer = try openStore(.write).openSession(id: id)
        defer { writer.close() }
        let context = DecisionContext(protocolSettings: Fixture.proto, actor: "Alex Rivera", timeZone: Fixture.utc)
        let confirm = try Decider.decide(
            .continueAfterUnreadableEnd, state: writer.state, context: context, now: Fixture.minutes(90))
        XCTAssertEqual(confirm.first?.seq, events.count + 1)
    }

    func testALastLineCutShortAfterItWasRecordedStaysAnUnreadableEndAfterTheCut() throws {
        let events = try recordCompletedSession()
        let data = try Data(contentsOf: URL(fileURLWithPath: journalPath))
        try data.dropLast(10).write(to: URL(fileURLWithPath: journalPath))
        let store = try openStore(.write)  // opening for writing cuts the tail, keeping a copy
        XCTAssertTrue(
            store.report.findings.contains { if case .acknowledgedTailCut(rel, _, _, _) = $0 { true } else { false } },
            "\(store.report.findings)")
        let summary = try XCTUnwrap(try store.sessions(on: today).first)
        XCTAssertTrue(summary.endUnreadable)
        XCTAssertEqual(summary.endUnreadableAfter, events.count - 1)
        // The journal now reads clean to its end: the day index remembers that its end was lost.
        XCTAssertEqual(JournalScan(try Data(contentsOf: URL(fileURLWithPath: journalPath))).damaged, [])
        let later = try XCTUnwrap(try openStore(.read).sessions(on: today).first)
        XCTAssertTrue(later.endUnreadable)
        XCTAssertEqual(later.endStatusPerIndex, .completed)
        XCTAssertTrue(try openStore(.read).loadSession(id: id).endUnreadable)
    }

    func testADamagedLastLinePastWhatTheStoreAcknowledgedIsNotAnUnreadableEnd() throws {
        let events = try recordCompletedSession()
        var all = try lines()
        let completion = all.removeLast()
        try write(all)
        // The journal as if the completion had never been written (a store that acknowledged only this much).
        let store = try openStore(.write)
        let before = try XCTUnwrap(try store.sessions(on: today).first)
        XCTAssertTrue(before.endUnreadable, "lines missing from what the index recorded")
        // A fresh store whose index and mark know only the shorter journal (the completion's append never
        // returned): then a garbled write lands after it.
        try FileManager.default.removeItem(atPath: "\(dir!)/days/2026-11-21/index.json")
        let shorter = JournalMark(
            bytes: all.reduce(0) { $0 + $1.count }, seq: events.count - 1, head: JournalLine.hash(all.last!))
        try shorter.encoded.write(to: URL(fileURLWithPath: "\(dir!)/days/2026-11-21/\(id).ack"))
        _ = try openStore(.write).sessions(on: today)
        var garbled = completion
        garbled[garbled.count / 2] ^= 0x04
        try write(all + [garbled])
        let summary = try XCTUnwrap(try openStore(.write).sessions(on: today).first)
        XCTAssertEqual(summary.unreadableLines, 1, "named all the same")
        XCTAssertFalse(summary.endUnreadable, "never acknowledged: a write that never returned")
        XCTAssertEqual(summary.lastSeq, events.count)
        XCTAssertFalse(try openStore(.read).loadSession(id: id).endUnreadable)
    }

    func testAnIndexFromBeforeThisRoundIsNotReportedOutOfDate() throws {
        _ = try recordCompletedSession()
        let indexPath = "\(dir!)/days/2026-11-21/index.json"
        let entries = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: indexPath))) as? [[String: Any]])
        XCTAssertNotNil(entries.first?["acknowledgedBytes"])
        let old = entries.map { $0.filter { !["acknowledgedBytes", "chainBreaks"].contains($0.key) } }
        try JSONSerialization.data(withJSONObject: old).write(to: URL(fileURLWithPath: indexPath))
        let findings = try openStore(.write).check(full: true).findings
        XCTAssertFalse(findings.contains(.indexRebuilt(path: "days/2026-11-21/index.json")), "\(findings)")
    }

    func testGoingOnNeedsTheRecordedConfirmationAndThenCompletionWorksAsUsual() throws {
        let events = try recordCompletedSession()
        try flipBitInLastLine()
        let store = try openStore(.write)
        let writer = try store.openSession(id: id)
        defer { writer.close() }
        XCTAssertTrue(writer.state.endUnreadable)
        let context = DecisionContext(protocolSettings: Fixture.proto, actor: "Alex Rivera", timeZone: Fixture.utc)
        XCTAssertThrowsError(
            try Decider.decide(.note("x"), state: writer.state, context: context, now: Fixture.minutes(90))
        ) { XCTAssertEqual($0 as? Refusal, .endUnreadable) }
        let confirm = try Decider.decide(
            .continueAfterUnreadableEnd, state: writer.state, context: context, now: Fixture.minutes(90))
        XCTAssertEqual(confirm.map(\.kind), [.continuedAfterUnreadableEnd(afterSeq: events.count - 1)])
        XCTAssertEqual(confirm.first?.seq, events.count + 1, "after the damaged line")
        try store.append(confirm, to: writer)
        XCTAssertFalse(writer.state.endUnreadable)
        let done = try Decider.decide(.complete, state: writer.state, context: context, now: Fixture.minutes(91))
        try store.append(done, to: writer)
        XCTAssertEqual(writer.state.status, .completed)
        writer.close()
        let reread = try openStore(.read).loadSession(id: id)
        XCTAssertFalse(reread.endUnreadable, "the confirmation is in the journal")
        XCTAssertEqual(reread.unreadable.count, 1, "the damaged line stays named")
        XCTAssertTrue(reread.events.contains { $0.kind == .continuedAfterUnreadableEnd(afterSeq: events.count - 1) })
        XCTAssertEqual(reread.status, .completed, "completed (again) after the recorded confirmation")
        let summary = try XCTUnwrap(try openStore(.read).sessions(on: today).first)
        XCTAssertFalse(summary.endUnreadable)
    }

    /// Issue 14, fifth round: a second completion's chair time leaves out the unknown stretch.
    func testChairTimeAfterGoingOnLeavesOutTheStretchBeforeTheConfirmation() throws {
        let events = try recordCompletedSession()
        try flipBitInLastLine()
        let start = try XCTUnwrap(events.first?.at)
        let lastRead = try XCTUnwrap(events.dropLast().map(\.at).max())
        let store = try openStore(.write)
        let writer = try store.openSession(id: id)
        let context = DecisionContext(protocolSettings: Fixture.proto, actor: "Alex Rivera", timeZone: Fixture.utc)
        let goOn = Fixture.minutes(120)
        try store.append(
            try Decider.decide(.continueAfterUnreadableEnd, state: writer.state, context: context, now: goOn),
            to: writer)
        try store.append(
            try Decider.decide(.complete, state: writer.state, context: context, now: goOn.addingTimeInterval(600)),
            to: writer)
        writer.close()
        let counted = Int(lastRead.timeIntervalSince(start)) + 600
        let summary = try XCTUnwrap(try openStore(.read).sessions(on: today).first)
        XCTAssertEqual(summary.uncountedSeconds, Int(goOn.timeIntervalSince(lastRead)))
        XCTAssertEqual(summary.durationSeconds(now: Fixture.minutes(500)), counted)
        XCTAssertEqual(summary.chairTimeText(now: Fixture.minutes(500)), "≥" + Clock.hmm(counted))
        let reread = try openStore(.read).loadSession(id: id)
        XCTAssertEqual(reread.elapsedSeconds(now: Fixture.minutes(500)), counted)
    }

    func testAnEditWithARecomputedChecksumIsCarriedIntoTheSessionAndItsSummary() throws {
        _ = try recordCompletedSession()
        var all = try lines()
        let d = try XCTUnwrap(JournalLine.decode([UInt8](all[4].dropLast())[...]))
        let payload = Data(
            String(decoding: d.payload, as: UTF8.self).replacingOccurrences(of: "Alex", with: "Alix").utf8)
        all[4] = JournalLine.encode(seq: d.seq, payload: payload, more: d.more, prev: d.prev)
        try write(all)
        let state = try openStore(.read).loadSession(id: id)
        XCTAssertEqual(state.chainBreaks, [6])
        XCTAssertTrue(state.unreadable.isEmpty, "the edited line passes its own check")
        let summary = try XCTUnwrap(try openStore(.read).sessions(on: today).first)
        XCTAssertEqual(summary.chainBreaks, [6], "today's journals are read whole at the first listing")
    }

    func testAHundredMegabyteJournalInTodaysFolderIsFlaggedFromItsSizeWithoutBeingRead() throws {
        _ = try recordCompletedSession()
        let huge = "\(dir!)/days/2026-11-21/20261121-100000-ffff.jsonl"
        XCTAssertTrue(FileManager.default.createFile(atPath: huge, contents: nil))
        let fd = open(huge, O_WRONLY)
        XCTAssertEqual(ftruncate(fd, 100 * 1_048_576), 0)  // sparse: no disk cost
        close(fd)
        let store = try openStore(.write)
        let listed = try store.sessions(on: today)
        XCTAssertEqual(listed.map(\.id), [id], "the other sessions are listed")
        XCTAssertTrue(
            store.report.findings.contains(
                .notReadWhenListing(
                    path: "days/2026-11-21/20261121-100000-ffff.jsonl", bytes: 100 * 1_048_576, recordedBytes: nil)),
            "\(store.report.findings)")
        XCTAssertFalse(
            store.report.findings.contains {
                if case .overCap = $0 { true } else if case .quarantined = $0 { true } else { false }
            }, "a read would report it over the cap (and a repair would move it): \(store.report.findings)")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: huge)[.size] as? Int, 100 * 1_048_576)
    }
}
