import ChairsideCore
import Foundation
import TestSupport
import XCTest

@testable import ChairsideStore

/// Issue 14: every intact line survives damage to other bytes; every damaged line is named and
/// kept; the hash chain catches edits, deletions and reorderings; the day anchor catches a changed day.
final class SalvageTests: XCTestCase {
    var dir: String!
    let today = ClinicDay(string: "2026-11-21")!

    override func setUpWithError() throws {
        dir =
            FileManager.default.temporaryDirectory.appendingPathComponent("chairside-salvage-\(UUID().uuidString)").path
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func openStore(_ access: StoreAccess = .create) throws -> Store {
        try Store(root: dir, timeZone: Fixture.utc, today: today, access: access)
    }

    /// A session through the real store, one decision per append, completed: 21+ lines.
    func recordCompletedSession(_ store: Store) throws -> (id: String, events: [SessionEvent]) {
        let p = try store.savePatient(Fixture.patient(id: ""))
        var d = SessionDriver(id: "20261121-090000-0a0a")
        let start = try d.run(
            .start(patient: p, technician: "Alex Rivera", room: "Room 1", plannedZones: ["forehead", "cheeks"]),
            after: 0)
        let writer = try store.beginSession(id: d.state.id, events: start)
        defer { writer.close() }
        var all = start
        let before = d.state.events.count
        _ = try d.preparedForNeedling()
        try d.run(
            .logPass(
                Pass(zone: "forehead", depth: 0.5, count: 3, pattern: .horizontal, endpoint: .erythema),
                confirmAboveProtocol: false), after: 4)
        try d.run(
            .logPass(
                Pass(zone: "cheeks", depth: 1.0, count: 2, pattern: .vertical, endpoint: .erythema),
                confirmAboveProtocol: false), after: 4)
        try d.run(.applyPRP(zone: nil, volumeML: 3.5, method: .after), after: 2)
        try d.run(.applyPostCare(product: "Soothing serum", lot: "S-9"), after: 3)
        try d.run(.recordAftercare(.handedPrePrinted), after: 2)
        try d.run(.complete)
        for event in d.state.events[before...] { try store.append([event], to: writer) }
        all += d.state.events[before...]
        return (d.state.id, all)
    }

    var journalPath: String { "\(dir!)/days/2026-11-21/20261121-090000-0a0a.jsonl" }
    var rel: String { "days/2026-11-21/20261121-090000-0a0a.jsonl" }

    func lines(_ path: String) throws -> [Data] {
        try Data(contentsOf: URL(fileURLWithPath: path)).split(separator: 0x0A, omittingEmptySubsequences: false)
            .dropLast().map { Data($0) + [0x0A] }
    }

    func write(_ lines: [Data], _ path: String) throws {
        try lines.reduce(Data(), +).write(to: URL(fileURLWithPath: path))
    }

    func flipBit(in line: Int, _ path: String) throws {
        var all = try lines(path)
        all[line - 1][all[line - 1].count / 2] ^= 0x04
        try write(all, path)
    }

    func testABitFlipInTheLastLineOfACompletedSessionIsDamageKeptAndNamedNotACut() throws {
        let (id, events) = try recordCompletedSession(try openStore())
        XCTAssertGreaterThanOrEqual(events.count, 15)
        try flipBit(in: events.count, journalPath)
        let damaged = try Data(contentsOf: URL(fileURLWithPath: journalPath))

        let store = try openStore(.write)
        let report = try store.check()
        XCTAssertTrue(report.hasDamage)
        XCTAssertTrue(
            report.findings.contains(
                .damagedLine(path: rel, line: events.count, seqs: "#\(events.count) and any after it")),
            "\(report.findings)")
        XCTAssertTrue(
            report.findings.contains(.anchorMismatch(day: "2026-11-21", session: id)), "the recorded head was that line"
        )
        XCTAssertFalse(report.findings.contains { if case .tornTailCut = $0 { true } else { false } })
        XCTAssertEqual(
            try Data(contentsOf: URL(fileURLWithPath: journalPath)), damaged, "never cut: the original stays in place")
        let state = try store.loadSession(id: id)
        XCTAssertEqual(state.events, Array(events.dropLast()))
        XCTAssertEqual(state.unreadable.map(\.seqText), ["#\(events.count) and any after it"])
        XCTAssertEqual(state.lastSeq, events.count, "new events continue after the damaged line")
        XCTAssertTrue(try openStore(.write).check().hasDamage, "every check names it again until someone acts")
    }

    func testDamageInLineSixKeepsEveryLaterLineAndNewEventsFollowTheLastLine() throws {
        let (id, events) = try recordCompletedSession(try openStore())
        try flipBit(in: 6, journalPath)
        let store = try openStore(.write)
        let writer = try store.openSession(id: id)
        defer { writer.close() }
        XCTAssertTrue(
            store.report.findings.contains(.damagedLine(path: rel, line: 6, seqs: "#6")), "\(store.report.findings)")
        XCTAssertEqual(writer.state.events, events.filter { $0.seq != 6 }, "lines 7 and on are read")
        XCTAssertEqual(
            writer.state.unreadable.first?.text, "event #6 unreadable — original kept in place (line 6 of \(rel))")
        let note = SessionEvent(
            seq: writer.state.lastSeq + 1, at: Fixture.minutes(300), by: "Alex Rivera",
            kind: .amended(text: "x", refersTo: nil))
        try store.append([note], to: writer)
        XCTAssertEqual(note.seq, events.count + 1)
        XCTAssertEqual(try store.loadSession(id: id).events.last, note)
        let summary = try XCTUnwrap(try openStore(.read).sessions(on: today).first)
        XCTAssertEqual(summary.unreadableLines, 1, "the day review flags the session")
        XCTAssertEqual(
            JournalScan(try Data(contentsOf: URL(fileURLWithPath: journalPath))).chainBreaks, [],
            "the chain runs through the damaged line's bytes")
    }

    func testAGarbledPatientLineLosesNoOtherPatient() throws {
        let store = try openStore()
        var saved: [Patient] = []
        for i in 1...7 { saved.append(try store.savePatient(Fixture.patient("Patient \(i)", id: "", chart: "C-\(i)"))) }
        let path = dir + "/patients/journal.jsonl"
        var all = try lines(path)
        all[2].replaceSubrange(20..<30, with: Data(repeating: 0x41, count: 10))
        try write(all, path)

        let reopened = try openStore(.write)
        let report = try reopened.check()
        XCTAssertTrue(
            report.findings.contains(.damagedLine(path: "patients/journal.jsonl", line: 3, seqs: "#3")),
            "\(report.findings)")
        XCTAssertEqual(Set(reopened.directory.patients.map(\.id)), Set(saved.map(\.id)).subtracting([saved[2].id]))
        let next = try reopened.savePatient(Fixture.patient("Patient 8", id: "", chart: "C-8"))
        XCTAssertTrue(try openStore(.read).directory.patients.contains(next))
        XCTAssertEqual(try lines(path)[2], all[2], "the damaged record stays in place")
    }

    func testTheChainNamesAnEditADeletionAndASwap() throws {
        _ = try recordCompletedSession(try openStore())
        let pristine = try lines(journalPath)
        func chainFindings(_ edit: ([Data]) -> [Data]) throws -> [RecoveryReport.Finding] {
            try write(edit(pristine), journalPath)
            defer { try? write(pristine, journalPath) }
            return try openStore(.write).check().findings.filter { if case .chainBroken = $0 { true } else { false } }
        }
        // An edit with a fresh checksum: the line itself passes, the next line's `prev` does not.
        let edited = try chainFindings { l in
            var l = l
            let d = JournalLine.decode([UInt8](l[4].dropLast())[...])!
            let payload = Data(
                String(decoding: d.payload, as: UTF8.self).replacingOccurrences(of: "Alex", with: "Alix").utf8)
            l[4] = JournalLine.encode(seq: d.seq, payload: payload, more: d.more, prev: d.prev)
            return l
        }
        XCTAssertEqual(edited, [.chainBroken(path: rel, seq: 6)])
        XCTAssertEqual(
            try chainFindings { l in
                var l = l
                l.remove(at: 7)
                return l
            }, [.chainBroken(path: rel, seq: 9)])
        XCTAssertEqual(
            try chainFindings { l in
                var l = l
                l.swapAt(3, 4)
                return l
            }, [.chainBroken(path: rel, seq: 5), .chainBroken(path: rel, seq: 4), .chainBroken(path: rel, seq: 6)])
        XCTAssertEqual(
            try chainFindings { l in
                var l = l
                l.insert(l[3], at: 4)
                return l
            }, [.chainBroken(path: rel, seq: 4)])
    }

    func testAJournalFromBeforeTheChainStillReadsAndTheChainStartsAtTheFirstNewLine() throws {
        let (id, events) = try recordCompletedSession(try openStore())
        // Rewrite the journal in the old form (no `prev`), as Chairside wrote it before issue 14.
        let old = try lines(journalPath).map { line -> Data in
            let d = JournalLine.decode([UInt8](line.dropLast())[...])!
            return JournalLine.encode(seq: d.seq, payload: d.payload, more: d.more, prev: nil)
        }
        try write(old, journalPath)
        // An old store's day index was made from its old journal (a newer index would record a
        // longer journal, and lines missing), and it had no acknowledgement marks.
        try FileManager.default.removeItem(atPath: dir + "/days/2026-11-21/index.json")
        try FileManager.default.removeItem(atPath: JournalMark.path(of: journalPath))
        let store = try openStore(.write)
        let report = try store.check()
        XCTAssertEqual(try store.loadSession(id: id).events, events)
        XCTAssertTrue(report.findings.contains(.predatesChain(path: rel, lines: events.count)), "\(report.findings)")
        XCTAssertFalse(report.hasDamage)
        let writer = try store.openSession(id: id)
        let note = SessionEvent(
            seq: events.count + 1, at: Fixture.minutes(300), by: "A", kind: .amended(text: "late", refersTo: nil))
        try store.append([note], to: writer)
        writer.close()
        let all = try lines(journalPath)
        XCTAssertTrue(JournalChain.fits(all.last!, previous: all[all.count - 2], next: nil))
        XCTAssertFalse(try openStore(.write).check().hasDamage)
    }

    func testJournalChainFitsVerifiesACandidateAgainstItsNeighbours() throws {
        _ = try recordCompletedSession(try openStore())
        let all = try lines(journalPath)
        XCTAssertTrue(JournalChain.fits(all[0], previous: nil, next: all[1]))
        XCTAssertTrue(JournalChain.fits(all[5], previous: all[4], next: all[6]))
        XCTAssertFalse(JournalChain.fits(all[5], previous: all[3], next: all[6]))
        XCTAssertFalse(JournalChain.fits(all[5], previous: all[4], next: all[7]))
        var rotten = all[5]
        rotten[10] ^= 1
        XCTAssertFalse(JournalChain.fits(rotten, previous: all[4], next: all[6]))
        XCTAssertEqual(
            JournalChain.decodeWhole(all[5])?.prev, JournalLine.hash(all[4]),
            "prev is the SHA-256 of the line before, newline included")
    }

    func testTheDayAnchorIsAnRFC6962RootAndCheckCatchesAChangedDay() throws {
        XCTAssertEqual(
            DayAnchor.hex(DayAnchor.merkleRoot([])), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let one = Data("a".utf8)
        XCTAssertEqual(DayAnchor.merkleRoot([one]), Data(JournalLine.hash(Data([0]) + one).hexBytes))
        let (id, _) = try recordCompletedSession(try openStore())
        let store = try openStore(.read)
        let anchor = try store.anchor(on: today)
        XCTAssertEqual(anchor.sessions, 1)
        XCTAssertEqual(anchor.heads.first?.id, id)
        XCTAssertEqual(try openStore(.read).anchor(on: today), anchor, "the same journals give the same anchor")
        XCTAssertFalse(try openStore(.write).check().hasDamage)
        // Replace the last line by another intact one: no line fails its check, the chain cannot see
        // it (nothing follows), the recorded anchor does.
        var all = try lines(journalPath)
        let d = JournalLine.decode([UInt8](all.last!.dropLast())[...])!
        all[all.count - 1] = JournalLine.encode(
            seq: d.seq,
            payload: Data(
                String(decoding: d.payload, as: UTF8.self)
                    .replacingOccurrences(of: "Alex", with: "Alix").utf8), prev: d.prev)
        try write(all, journalPath)
        let report = try openStore(.write).check()
        XCTAssertTrue(report.findings.contains(.anchorMismatch(day: "2026-11-21", session: id)), "\(report.findings)")
        XCTAssertNotEqual(try openStore(.read).anchor(on: today), anchor)
    }

    func testARottedFinalNewlineIsDamageKeptAndTheLineGetsItsNewlineBack() throws {
        let (id, events) = try recordCompletedSession(try openStore())
        var data = try Data(contentsOf: URL(fileURLWithPath: journalPath))
        data[data.count - 1] ^= 0x01
        try data.write(to: URL(fileURLWithPath: journalPath))
        XCTAssertEqual(try openStore(.read).loadSession(id: id).unreadable.map(\.seqText), ["#\(events.count)"])
        let store = try openStore(.write)
        try store.openSession(id: id).close()  // taking the session over for recording repairs it
        XCTAssertTrue(
            store.report.findings.contains(.lineTerminated(path: rel, line: events.count)), "\(store.report.findings)")
        XCTAssertEqual(
            try Data(contentsOf: URL(fileURLWithPath: journalPath)), data + [0x0A], "kept, with a newline after it")
        XCTAssertEqual(try store.loadSession(id: id).unreadable.map(\.seqText), ["#\(events.count)"])
    }

    func testATornTailIsStillCutAndAnUnfinishedBatchGoesWithIt() throws {
        let (id, events) = try recordCompletedSession(try openStore())
        let good = try Data(contentsOf: URL(fileURLWithPath: journalPath))
        let head = JournalScan(good).head
        let batch = JournalLine.encodeBatch(
            [(events.count + 1, Data("{}".utf8)), (events.count + 2, Data("{}".utf8))], prev: head
        ).data
        try (good + batch.dropLast(5)).write(to: URL(fileURLWithPath: journalPath))
        let store = try openStore(.write)
        XCTAssertFalse(store.report.hasDamage)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: journalPath)), good)
        XCTAssertEqual(try store.loadSession(id: id).events, events)
    }

    // MARK: the second round (a new user's trial)

    func testAnAnchorMismatchStaysReportedUntilSomeoneAcceptsItAndTheAcceptanceIsRecorded() throws {
        let (id, _) = try recordCompletedSession(try openStore())
        XCTAssertFalse(try openStore(.write).check().hasDamage)
        var all = try lines(journalPath)
        let d = JournalLine.decode([UInt8](all.last!.dropLast())[...])!
        all[all.count - 1] = JournalLine.encode(
            seq: d.seq,
            payload: Data(
                String(decoding: d.payload, as: UTF8.self).replacingOccurrences(of: "Alex", with: "Alix").utf8),
            prev: d.prev)
        try write(all, journalPath)
        let mismatch = RecoveryReport.Finding.anchorMismatch(day: "2026-11-21", session: id)
        for round in 1...3 {
            let report = try openStore(.write).check()
            XCTAssertTrue(report.findings.contains(mismatch), "check \(round): \(report.findings)")
            XCTAssertTrue(report.hasDamage, "check \(round)")
        }
        let evidence = try openStore(.write).standingFindings()
        XCTAssertEqual(evidence.count, 1)
        let kept = try XCTUnwrap(evidence.first?.evidence)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/" + kept), "the old index is kept as evidence")
        XCTAssertEqual(try openStore(.write).acceptStandingFindings("2026-11-21"), 1)
        XCTAssertFalse(try openStore(.write).check().hasDamage)
        XCTAssertNotNil(try openStore(.read).standingFindings().first?.acceptedAt, "the acceptance is a recorded fact")
        XCTAssertThrowsError(try openStore(.read).acceptStandingFindings("2026-11-21"))
    }

    func testASameSizeByteFlipInTodaysJournalIsFlaggedInTheDayListWithoutOpeningTheSession() throws {
        _ = try recordCompletedSession(try openStore())
        XCTAssertFalse(try openStore(.write).check().hasDamage)
        try flipBit(in: 4, journalPath)
        let listed = try openStore(.read).sessions(on: today)
        XCTAssertEqual(listed.first?.unreadableLines, 1, "the day review's D flag")
    }

    func testAFinalLineThatLostOnlyItsNewlineIsKeptAndGetsItBack() throws {
        let (id, events) = try recordCompletedSession(try openStore())
        let original = try Data(contentsOf: URL(fileURLWithPath: journalPath))
        try original.dropLast().write(to: URL(fileURLWithPath: journalPath))
        XCTAssertEqual(try openStore(.read).loadSession(id: id).events.count, events.count)
        let store = try openStore(.write)  // opening today's journals for writing repairs it
        let opening = store.report.findings
        let report = try store.check()
        XCTAssertTrue(
            (opening + report.findings).contains(.newlineRestored(path: rel, line: events.count, seq: events.count)),
            "\(opening) \(report.findings)")
        XCTAssertFalse(report.findings.contains { if case .tornTailCut = $0 { true } else { false } })
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: journalPath)), original)
        XCTAssertFalse(try openStore(.write).check().hasDamage)
    }

    func testLinesDeletedFromTheEndAreNamedWhenTheConsoleOpensTheDay() throws {
        let (_, events) = try recordCompletedSession(try openStore())
        let all = try lines(journalPath)
        try write(Array(all.prefix(events.count - 3)), journalPath)
        let store = try openStore(.write)
        XCTAssertTrue(
            store.report.findings.contains {
                if case .linesMissing(path: rel, afterSeq: events.count - 3, _, _) = $0 { true } else { false }
            }, "\(store.report.findings)")
        XCTAssertTrue(try store.check().hasDamage, "still reported once the day index follows the journal")
    }

    func testAFolderHoldingOnlyAPatientsFolderIsNotAStoreAndIsLeftAlone() throws {
        try FileManager.default.createDirectory(atPath: dir + "/patients", withIntermediateDirectories: true)
        for access in [StoreAccess.read, .write, .create] {
            XCTAssertThrowsError(try openStore(access)) { XCTAssertEqual($0 as? StoreError, .notAStore(dir)) }
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["patients"])
    }
}

extension String {
    /// Hex digits as bytes.
    var hexBytes: [UInt8] {
        var out: [UInt8] = []
        var i = startIndex
        while i < endIndex {
            let j = index(i, offsetBy: 2)
            out.append(UInt8(self[i..<j], radix: 16)!)
            i = j
        }
        return out
    }
}
