import ChairsideCore
import Foundation
import TestSupport
import XCTest

@testable import ChairsideStore

/// Issue 14, fifth round: every append leaves a mark of what it acknowledged beside the journal
/// (`JournalMark`), so a rotted or cut last line is told from a torn write even when the day index
/// is behind, lines deleted from the end of the patient or lot journal are found at the next open,
/// and a line deleted from inside a journal is not taken for lines lost from its end.
final class AcknowledgementMarkTests: XCTestCase {
    var dir: String!
    let today = ClinicDay(string: "2026-11-21")!
    let id = "20261121-090000-0b0b"

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("chairside-mark-\(UUID().uuidString)").path
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func openStore(_ access: StoreAccess = .create) throws -> Store {
        try Store(root: dir, timeZone: Fixture.utc, today: today, access: access)
    }

    var journalPath: String { "\(dir!)/days/2026-11-21/\(id).jsonl" }
    var markPath: String { "\(dir!)/days/2026-11-21/\(id).ack" }
    var rel: String { "days/2026-11-21/\(id).jsonl" }

    /// A session in progress whose last events (passes) were appended after the day index was last
    /// written: the index is behind the journal, as it is for most of a real session.
    func recordSessionWithPassesAfterTheLastIndexWrite(passes: Int = 3) throws -> (events: [SessionEvent], indexed: Int)
    {
        let store = try openStore()
        let p = try store.savePatient(Fixture.patient(id: ""))
        var d = SessionDriver(id: id)
        let start = try d.run(
            .start(patient: p, technician: "Alex Rivera", room: "Room 1", plannedZones: ["forehead"]), after: 0)
        let writer = try store.beginSession(id: id, events: start)
        defer { writer.close() }
        let before = d.state.events.count
        _ = try d.preparedForNeedling()
        for event in d.state.events[before...] { try store.append([event], to: writer) }
        let indexed = try XCTUnwrap(try openStore(.read).sessions(on: today).first).journalBytes
        for _ in 0..<passes {
            let pass = try d.run(
                .logPass(
                    Pass(zone: "forehead", depth: 0.5, count: 3, pattern: .horizontal, endpoint: .erythema),
                    confirmAboveProtocol: false), after: 2)
            try store.append(pass, to: writer)
            // Every append, not only the first or the last, leaves its mark.
            let mark = JournalMark(try Data(contentsOf: URL(fileURLWithPath: markPath)))
            XCTAssertEqual(mark?.bytes, try FileManager.default.attributesOfItem(atPath: journalPath)[.size] as? Int)
            XCTAssertEqual(mark?.seq, d.state.lastSeq)
        }
        return (d.state.events, indexed)
    }

    func lines(_ path: String? = nil) throws -> [Data] {
        try Data(contentsOf: URL(fileURLWithPath: path ?? journalPath)).split(
            separator: 0x0A, omittingEmptySubsequences: false
        ).dropLast().map { Data($0) + [0x0A] }
    }

    func write(_ lines: [Data], to path: String? = nil) throws {
        try lines.reduce(Data(), +).write(to: URL(fileURLWithPath: path ?? journalPath))
    }

    func testEveryAppendLeavesAMarkOfWhatItAcknowledged() throws {
        let (events, _) = try recordSessionWithPassesAfterTheLastIndexWrite()
        let all = try lines()
        let mark = try XCTUnwrap(JournalMark(try Data(contentsOf: URL(fileURLWithPath: markPath))))
        XCTAssertEqual(mark.bytes, all.reduce(0) { $0 + $1.count })
        XCTAssertEqual(mark.seq, events.count)
        XCTAssertEqual(mark.head, JournalLine.hash(try XCTUnwrap(all.last)))
        XCTAssertEqual(JournalMark(mark.encoded), mark, "reads back")
        var garbled = mark.encoded
        garbled[30] ^= 0x01
        XCTAssertNil(JournalMark(garbled), "a mark carries its own check")
    }

    func testARottedLastLineIsAnUnknownEndEvenWhenTheDayIndexIsBehind() throws {
        let (events, indexed) = try recordSessionWithPassesAfterTheLastIndexWrite()
        var all = try lines()
        XCTAssertLessThan(indexed, all.reduce(0) { $0 + $1.count }, "the index is behind the journal")
        all[all.count - 1][all[all.count - 1].count / 2] ^= 0x04
        try write(all)
        let summary = try XCTUnwrap(try openStore(.read).sessions(on: today).first)
        XCTAssertTrue(summary.endUnreadable, "the mark acknowledged the last pass: its end is unknown")
        XCTAssertEqual(summary.endUnreadableAfter, events.count - 1)
        XCTAssertFalse(summary.isOpen, "never resumed silently as in progress")
        XCTAssertTrue(try openStore(.read).loadSession(id: id).endUnreadable)
        // Without the mark (a store from before it) the old rule holds: past the index, not acknowledged.
        try FileManager.default.removeItem(atPath: markPath)
        XCTAssertFalse(try XCTUnwrap(try openStore(.read).sessions(on: today).first).endUnreadable)
    }

    func testAnAcknowledgedLastLineCutShortIsDamageAndItsNumberIsNeverReused() throws {
        let (events, _) = try recordSessionWithPassesAfterTheLastIndexWrite()
        let data = try Data(contentsOf: URL(fileURLWithPath: journalPath))
        try data.dropLast(10).write(to: URL(fileURLWithPath: journalPath))
        let store = try openStore(.write)
        let summary = try XCTUnwrap(try store.sessions(on: today).first)
        XCTAssertTrue(
            store.report.findings.contains { if case .acknowledgedTailCut(rel, _, _, _) = $0 { true } else { false } },
            "cut as damage, with a copy kept, never as a torn write: \(store.report.findings)")
        XCTAssertFalse(
            store.report.findings.contains { if case .tornTailCut = $0 { true } else { false } })
        XCTAssertTrue(store.report.hasDamage)
        XCTAssertTrue(summary.endUnreadable)
        let writer = try store.openSession(id: id)
        defer { writer.close() }
        let context = DecisionContext(protocolSettings: Fixture.proto, actor: "Alex Rivera", timeZone: Fixture.utc)
        let confirm = try Decider.decide(
            .continueAfterUnreadableEnd, state: writer.state, context: context, now: Fixture.minutes(90))
        XCTAssertEqual(confirm.first?.seq, events.count + 1, "#\(events.count) was acknowledged: never reused")
    }

    func testALineDeletedFromInsideAJournalIsNamedAsSuchNotAsALostEnd() throws {
        let (events, _) = try recordSessionWithPassesAfterTheLastIndexWrite()
        var all = try lines()
        all.remove(at: 3)  // event #4
        try write(all)
        let store = try openStore(.write)
        let summary = try XCTUnwrap(try store.sessions(on: today).first)
        let findings = store.report.findings
        XCTAssertTrue(
            findings.contains { if case .linesMissingInside(rel, "#4", _, _) = $0 { true } else { false } },
            "\(findings)")
        XCTAssertFalse(findings.contains { if case .linesMissing = $0 { true } else { false } }, "\(findings)")
        XCTAssertTrue(findings.contains(.chainBroken(path: rel, seq: 5)))
        XCTAssertFalse(summary.endUnreadable, "its end is intact")
        XCTAssertEqual(summary.lastSeq, events.count)
        XCTAssertTrue(
            findings.first { if case .linesMissingInside = $0 { true } else { false } }!.text.contains(
                "event #4 was deleted from inside it"))
    }

    func testLinesDeletedFromTheEndOfThePatientJournalAreFoundAtTheNextOpen() throws {
        let store = try openStore()
        for n in 1...4 { try store.savePatient(Fixture.patient("Patient \(n)", id: "", chart: "C-\(n)")) }
        let path = "\(dir!)/patients/journal.jsonl"
        try write(Array(try lines(path).dropLast(2)), to: path)
        let reopened = try openStore(.write)
        XCTAssertEqual(reopened.directory.count, 2, "the two patients that remain")
        XCTAssertTrue(
            reopened.report.findings.contains {
                if case .linesMissing("patients/journal.jsonl", 2, _, _) = $0 { true } else { false }
            }, "\(reopened.report.findings)")
        // It stands: the directory rebuilt from the shorter journal no longer remembers.
        let findings = try openStore(.write).check().findings
        XCTAssertTrue(
            findings.contains { if case .linesMissing("patients/journal.jsonl", _, _, _) = $0 { true } else { false } })
    }

    func testLinesDeletedFromTheEndOfTheLotJournalAreFoundAndAcceptedAsLots() throws {
        let store = try openStore()
        let expiry = ClinicDay(string: "2027-06-30")!
        try store.recordLot(
            .add(lot: "NB-2611", kind: .anaesthetic, product: "BLT cream", expires: expiry), by: "Alex", now: Fixture.t0
        )
        try store.recordLot(.withdraw(lot: "NB-2611", reason: "maker's recall"), by: "Alex", now: Fixture.t0)
        let path = "\(dir!)/lots/journal.jsonl"
        try write(Array(try lines(path).dropLast()), to: path)
        let reader = try openStore(.read)
        _ = try reader.lotRegister()
        XCTAssertTrue(
            reader.report.findings.contains {
                if case .linesMissing("lots/journal.jsonl", 1, _, _) = $0 { true } else { false }
            }, "the recall that was recorded is missing, and said so: \(reader.report.findings)")
        let checker = try openStore(.write)
        XCTAssertTrue(try checker.check().hasDamage)
        XCTAssertEqual(try checker.acceptStandingFindings("lots"), 1)
    }

    func testAMarkThatIsNotAFileNeverBlocksAnAppendOrARead() throws {
        let store = try openStore()
        let p = try store.savePatient(Fixture.patient(id: ""))
        try FileManager.default.createDirectory(atPath: "\(dir!)/days/2026-11-21", withIntermediateDirectories: true)
        XCTAssertEqual(mkfifo(markPath, 0o600), 0)
        var d = SessionDriver(id: id)
        let start = try d.run(
            .start(patient: p, technician: "Alex Rivera", room: "Room 1", plannedZones: ["forehead"]), after: 0)
        let writer = try store.beginSession(id: id, events: start)
        try store.append(try d.run(.note("a note")), to: writer)
        writer.close()
        XCTAssertEqual(try openStore(.read).loadSession(id: id).events.count, d.state.events.count)
        XCTAssertEqual(try XCTUnwrap(try openStore(.read).sessions(on: today).first).lastSeq, d.state.events.count)
    }
}

/// Issue 14, fifth round, after the new user's trial: whole journals gone, lots in doubt, the copy
/// of a cut named, the patient journal's last line verified at the start.
final class JournalGoneTests: XCTestCase {
    var dir: String!
    let today = ClinicDay(string: "2026-11-21")!
    let id = "20261121-090000-0c0c"

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("chairside-gone-\(UUID().uuidString)").path
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func openStore(_ access: StoreAccess = .create) throws -> Store {
        try Store(root: dir, timeZone: Fixture.utc, today: today, access: access)
    }

    func recordSession() throws {
        let store = try openStore()
        let p = try store.savePatient(Fixture.patient(id: ""))
        var d = SessionDriver(id: id)
        let start = try d.run(
            .start(patient: p, technician: "Alex Rivera", room: "Room 1", plannedZones: ["forehead"]), after: 0)
        let writer = try store.beginSession(id: id, events: start)
        defer { writer.close() }
        try store.append(try d.run(.note("a note")), to: writer)
    }

    func lines(_ path: String) throws -> [Data] {
        try Data(contentsOf: URL(fileURLWithPath: path)).split(separator: 0x0A).map { Data($0) + [0x0A] }
    }

    func testASessionJournalDeletedWholeStandsUntilAccepted() throws {
        try recordSession()
        let rel = "days/2026-11-21/\(id).jsonl"
        try FileManager.default.removeItem(atPath: "\(dir!)/\(rel)")
        let reader = try openStore(.read)
        _ = try reader.sessions(on: today)
        XCTAssertTrue(
            reader.report.findings.contains { if case .linesMissing(rel, 0, 0, _) = $0 { true } else { false } },
            "a reader names it: \(reader.report.findings)")
        for round in 1...2 {
            let report = try openStore(.write).check()
            XCTAssertTrue(report.hasDamage, "round \(round): \(report.findings)")
            XCTAssertTrue(
                report.findings.contains { if case .linesMissing(rel, 0, 0, _) = $0 { true } else { false } },
                "round \(round): \(report.findings)")
        }
        let store = try openStore(.write)
        XCTAssertEqual(try store.acceptStandingFindings("2026-11-21"), 1)
        XCTAssertFalse(try openStore(.write).check().hasDamage)
    }

    func testThePatientJournalDeletedWholeIsLinesMissing() throws {
        try recordSession()
        try FileManager.default.removeItem(atPath: "\(dir!)/patients/journal.jsonl")
        let report = try openStore(.write).check()
        XCTAssertTrue(
            report.findings.contains {
                if case .linesMissing("patients/journal.jsonl", 0, 0, _) = $0 { true } else { false }
            }, "\(report.findings)")
        XCTAssertTrue(try openStore(.write).check().hasDamage, "still reported")
    }

    func testLotRecordsMissingPutEveryLotInDoubtUntilAccepted() throws {
        let store = try openStore()
        let expiry = ClinicDay(string: "2027-06-30")!
        for lot in ["A-1", "B-2"] {
            try store.recordLot(
                .add(lot: lot, kind: .anaesthetic, product: "Cream", expires: expiry), by: "Alex", now: Fixture.t0)
        }
        try store.recordLot(.withdraw(lot: "B-2", reason: "maker's recall"), by: "Alex", now: Fixture.t0)
        let path = "\(dir!)/lots/journal.jsonl"
        try (try lines(path)).dropLast().reduce(Data(), +).write(to: URL(fileURLWithPath: path))
        let before = try openStore(.read).lotRegisterAndDamage().damage
        XCTAssertEqual(before.flagged, ["A-1", "B-2"], "which lot the lost line was about is unknown")
        XCTAssertEqual(before.missingAfterSeq, 2)
        let (register, _) = try openStore(.read).lotRegisterAndDamage()
        let table = RecallReport.table(
            lot: "B-2", register: register.lot("B-2"), entries: [], proto: .standard, timeZone: Fixture.utc,
            statusInDoubt: before.flagged.contains("B-2"))
        XCTAssertTrue(table.contains("status unknown: the lot register is damaged"), table)
        XCTAssertFalse(table.contains("in stock"), "the recall line was lost: never plainly in stock: \(table)")
        XCTAssertTrue(try openStore(.write).check().hasDamage)
        // The repair rewrote the mark; the standing finding keeps every lot in doubt.
        XCTAssertEqual(try openStore(.read).lotRegisterAndDamage().damage.flagged, ["A-1", "B-2"])
        XCTAssertEqual(try openStore(.write).acceptStandingFindings("lots"), 1)
        XCTAssertEqual(try openStore(.read).lotRegisterAndDamage().damage.flagged, [])
    }

    func testTheCopyOfAnAcknowledgedCutIsNamedByEveryCheck() throws {
        try recordSession()
        let path = "\(dir!)/days/2026-11-21/\(id).jsonl"
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.dropLast(10).write(to: URL(fileURLWithPath: path))
        _ = try openStore(.write).sessions(on: today)  // a writer's listing cuts it, keeping a copy
        let findings = try openStore(.write).check().findings
        let copy = findings.compactMap { f -> String? in
            if case .keptCopy("days/2026-11-21/\(id).jsonl", let q) = f { q } else { nil }
        }.first
        // The copy is what was cut: the rest of the last line, cut short.
        let cutShort = data.dropLast(10)
        let lastLineStart = try XCTUnwrap(cutShort.lastIndex(of: 0x0A)) + 1
        XCTAssertEqual(
            copy.flatMap { FileManager.default.contents(atPath: "\(dir!)/\($0)") }, Data(cutShort[lastLineStart...]),
            "\(findings)")
    }

    func testAPatientLineRottedAtTheEndIsFoundAtTheNextStartWithoutACheck() throws {
        let store = try openStore()
        for n in 1...3 { try store.savePatient(Fixture.patient("Patient \(n)", id: "", chart: "C-\(n)")) }
        _ = try openStore(.write).check()  // the directory's snapshot covers the whole journal
        let path = "\(dir!)/patients/journal.jsonl"
        var all = try lines(path)
        all[2][all[2].count / 2] ^= 0x04
        try all.reduce(Data(), +).write(to: URL(fileURLWithPath: path))
        let next = try openStore(.read)
        XCTAssertEqual(next.directory.count, 2)
        XCTAssertTrue(
            next.report.findings.contains {
                if case .damagedLine("patients/journal.jsonl", 3, _) = $0 { true } else { false }
            }, "\(next.report.findings)")
    }

    func addTwoLotsAndWithdrawOne(_ store: Store) throws {
        let expiry = ClinicDay(string: "2027-06-30")!
        for lot in ["A-1", "B-2"] {
            try store.recordLot(
                .add(lot: lot, kind: .anaesthetic, product: "Cream", expires: expiry), by: "Alex", now: Fixture.t0)
        }
        try store.recordLot(.withdraw(lot: "B-2", reason: "maker's recall"), by: "Alex", now: Fixture.t0)
    }

    func testALotRecordedAfterLostLinesKeepsTheFindingAndNeverReusesTheirNumber() throws {
        try addTwoLotsAndWithdrawOne(try openStore())
        let path = "\(dir!)/lots/journal.jsonl"
        try (try lines(path)).dropLast().reduce(Data(), +).write(to: URL(fileURLWithPath: path))
        let expiry = ClinicDay(string: "2027-06-30")!
        let events = try openStore(.write).recordLot(
            .add(lot: "C-3", kind: .serum, product: "Serum", expires: expiry), by: "Alex", now: Fixture.t0)
        XCTAssertEqual(events.map(\.seq), [4], "#3 (the lost withdrawal) is never reused")
        let damage = try openStore(.read).lotRegisterAndDamage().damage
        XCTAssertEqual(damage.missingAfterSeq, 2, "the loss stands after the new line")
        XCTAssertEqual(damage.flagged, ["A-1", "B-2", "C-3"])
        XCTAssertTrue(try openStore(.write).check().hasDamage)
    }

    func testAnUnreadableLotLineThatNamesNoKnownLotPutsEveryLotInDoubt() throws {
        try addTwoLotsAndWithdrawOne(try openStore())
        let path = "\(dir!)/lots/journal.jsonl"
        var all = try lines(path)
        let text = String(decoding: all[2], as: UTF8.self).replacingOccurrences(of: "B-2", with: "B-6")
        all[2] = Data(text.utf8)  // one bit in the lot number: its check fails, and it names no known lot
        try all.reduce(Data(), +).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(try openStore(.read).lotRegisterAndDamage().damage.flagged, ["A-1", "B-2"])
    }

    func testAPatientRecordedAfterLostLinesNeverReusesTheirNumber() throws {
        let store = try openStore()
        for n in 1...3 { try store.savePatient(Fixture.patient("Patient \(n)", id: "", chart: "C-\(n)")) }
        let path = "\(dir!)/patients/journal.jsonl"
        try (try lines(path)).dropLast().reduce(Data(), +).write(to: URL(fileURLWithPath: path))
        try openStore(.write).savePatient(Fixture.patient("Patient 4", id: "", chart: "C-4"))
        let seqs = try lines(path).compactMap { JournalChain.decodeWhole($0)?.seq }
        XCTAssertEqual(seqs, [1, 2, 4], "#3 was acknowledged, then lost: never reused")
    }

    func testASessionJournalDeletedWithItsMarkIsFoundFromTheDayIndex() throws {
        try recordSession()
        let rel = "days/2026-11-21/\(id).jsonl"
        // A status change wrote the index after the start: make sure the index names the session.
        XCTAssertNotNil(try openStore(.read).sessions(on: today).first)
        try FileManager.default.removeItem(atPath: "\(dir!)/\(rel)")
        try FileManager.default.removeItem(atPath: "\(dir!)/days/2026-11-21/\(id).ack")
        let opened = try openStore(.write)
        _ = try opened.sessions(on: today)  // the console's listing rebuilds the index
        XCTAssertTrue(
            opened.report.findings.contains { if case .linesMissing(rel, 0, 0, _) = $0 { true } else { false } },
            "\(opened.report.findings)")
        XCTAssertTrue(try openStore(.write).check().hasDamage, "it stands after the index was rebuilt")
    }

    func testALotRegisterDeletedWholeThenWrittenAgainKeepsTheFindingAndTheNumbers() throws {
        try addTwoLotsAndWithdrawOne(try openStore())
        try FileManager.default.removeItem(atPath: "\(dir!)/lots/journal.jsonl")
        let expiry = ClinicDay(string: "2027-06-30")!
        let events = try openStore(.write).recordLot(
            .add(lot: "C-3", kind: .serum, product: "Serum", expires: expiry), by: "Alex", now: Fixture.t0)
        XCTAssertEqual(events.map(\.seq), [4], "numbered after the lost register's last line")
        let report = try openStore(.write).check()
        XCTAssertTrue(
            report.findings.contains {
                if case .linesMissing("lots/journal.jsonl", 0, 0, _) = $0 { true } else { false }
            },
            "\(report.findings)")
        XCTAssertEqual(try openStore(.write).acceptStandingFindings("lots"), 1)
        XCTAssertFalse(try openStore(.write).check().hasDamage)
    }

    func testALotLineDeletedFromInsideKeepsEveryLotInDoubtAfterANewLine() throws {
        try addTwoLotsAndWithdrawOne(try openStore())
        let path = "\(dir!)/lots/journal.jsonl"
        var all = try lines(path)
        all.remove(at: 2)  // the withdrawal
        try all.reduce(Data(), +).write(to: URL(fileURLWithPath: path))
        let expiry = ClinicDay(string: "2027-06-30")!
        try openStore(.write).recordLot(
            .add(lot: "C-3", kind: .serum, product: "Serum", expires: expiry), by: "Alex", now: Fixture.t0)
        let damage = try openStore(.read).lotRegisterAndDamage().damage
        XCTAssertEqual(damage.flagged, ["A-1", "B-2", "C-3"], "the chain break after the gap stays in the journal")
    }

    func testAPatientJournalDeletedWholeThenWrittenAgainNeverReusesANumber() throws {
        let store = try openStore()
        for n in 1...3 { try store.savePatient(Fixture.patient("Patient \(n)", id: "", chart: "C-\(n)")) }
        let path = "\(dir!)/patients/journal.jsonl"
        try FileManager.default.removeItem(atPath: path)
        try openStore(.write).savePatient(Fixture.patient("Patient 4", id: "", chart: "C-4"))
        XCTAssertEqual(try lines(path).compactMap { JournalChain.decodeWhole($0)?.seq }, [4])
        XCTAssertTrue(try openStore(.write).check().hasDamage)
    }
}
