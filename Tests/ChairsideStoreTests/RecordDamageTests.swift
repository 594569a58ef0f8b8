import ChairsideCore
import Foundation
import TestSupport
import XCTest

@testable import ChairsideStore

/// Issue 14, fifth round: damage in the patient and lot journals is known outside `check` — which
/// lines are unreadable, whether lines are missing from the end, and which patients or lots a damaged
/// line's bytes still name — so the lists that show them can say so.
final class RecordDamageTests: XCTestCase {
    var dir: String!
    let today = ClinicDay(string: "2026-11-21")!

    override func setUpWithError() throws {
        dir =
            FileManager.default.temporaryDirectory.appendingPathComponent("chairside-damage-\(UUID().uuidString)")
            .path
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func openStore(_ access: StoreAccess = .create) throws -> Store {
        try Store(root: dir, timeZone: Fixture.utc, today: today, access: access)
    }

    var patientJournal: String { dir + "/patients/journal.jsonl" }
    var lotJournal: String { dir + "/lots/journal.jsonl" }

    func lines(_ path: String) throws -> [Data] {
        try Data(contentsOf: URL(fileURLWithPath: path)).split(separator: 0x0A).map { Data($0) + [0x0A] }
    }

    func write(_ lines: [Data], to path: String) throws {
        try lines.reduce(Data(), +).write(to: URL(fileURLWithPath: path))
    }

    /// Flips one bit inside `field`'s value on line `index` (0-based): the line fails its check, its
    /// length is unchanged, and the bytes of every other field (the ID included) stay as they were.
    func garble(_ path: String, line index: Int, inside field: String) throws {
        var all = try lines(path)
        let at = try XCTUnwrap(all[index].range(of: Data("\"\(field)\":\"".utf8))).upperBound + 1
        all[index][at] ^= 0x04
        try write(all, to: path)
    }

    /// Two patients, then an edit of the first: line 3 is a change to Ana's record.
    func threePatientLines() throws -> (ana: Patient, ben: Patient) {
        let store = try openStore()
        var ana = try store.savePatient(Fixture.patient("Ana Silva", id: "", chart: "C-1"))
        let ben = try store.savePatient(Fixture.patient("Ben Okafor", id: "", chart: "C-2"))
        ana.notes = "sensitive skin"
        ana = try store.savePatient(ana)
        return (ana, ben)
    }

    func testAGarbledChangeToAPatientIsNamedAndFlagsThatPatientAtThisStartAndTheNext() throws {
        let (ana, ben) = try threePatientLines()
        try garble(patientJournal, line: 2, inside: "notes")
        let store = try openStore()
        // The directory's tail does not read clean, so this start reads the journal whole.
        let damage = store.journalDamage(.patients)
        XCTAssertEqual(damage.unreadable, [RecordDamage.UnreadableLine(line: 3, seqs: "#3 and any after it")])
        XCTAssertEqual(damage.flagged, [ana.id], "the damaged line still holds Ana's ID, not Ben's")
        XCTAssertFalse(damage.flagged.contains(ben.id))
        XCTAssertNotNil(store.directory.patient(id: ana.id), "Ana's first record is intact")
        // The next start trusts the directory's snapshot; what the read found was kept for it.
        let next = try openStore(.read)
        XCTAssertEqual(next.journalDamage(.patients), damage)
        XCTAssertEqual(
            damage.lines,
            [
                "!! patient record #3 and any after it unreadable (line 3 of patients/journal.jsonl, original kept "
                    + "in place) — a patient or a change may be missing. Run `chairside check`."
            ])
        XCTAssertFalse(damage.lines.joined().contains("Ana"), "no patient data")
    }

    func testALineRottedInPlaceBeforeTheSnapshotIsUnknownToTheStartUntilCheckReadsIt() throws {
        let (ana, _) = try threePatientLines()
        _ = try openStore(.write).check()  // the snapshot now covers every line
        try garble(patientJournal, line: 0, inside: "name")
        XCTAssertTrue(try openStore(.read).journalDamage(.patients).isEmpty, "the start path reads no line before it")
        let checking = try openStore(.write)
        _ = try checking.check()
        let known = try openStore(.read).journalDamage(.patients)
        XCTAssertEqual(known.unreadable, [RecordDamage.UnreadableLine(line: 1, seqs: "#1")])
        XCTAssertEqual(known.flagged, [ana.id], "Ana is known from her later line; her first one is damaged")
        // Repaired by hand (the original bytes put back): the next check clears what was said.
        try garble(patientJournal, line: 0, inside: "name")
        _ = try openStore(.write).check()
        XCTAssertTrue(try openStore(.read).journalDamage(.patients).isEmpty)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/patients/damage.json"))
    }

    func testPatientLinesDeletedFromTheEndAreSaidUntilAccepted() throws {
        _ = try threePatientLines()
        _ = try openStore(.write).check()
        try write(Array(try lines(patientJournal).prefix(1)), to: patientJournal)
        let reader = try openStore(.read)
        XCTAssertEqual(reader.journalDamage(.patients).missingAfterSeq, 1, "a reader sees the shorter journal")
        _ = try openStore().journalDamage(.patients)  // a writer repairs: the snapshot follows the journal
        let later = try openStore(.read).journalDamage(.patients)
        XCTAssertEqual(later.missingAfterSeq, 1, "the standing finding keeps it after the rebuild")
        XCTAssertTrue(later.lines[0].hasPrefix("!! patient records after #1 are missing from patients/journal.jsonl"))
        XCTAssertEqual(try openStore(.write).acceptStandingFindings("patients"), 1)
        XCTAssertTrue(try openStore(.read).journalDamage(.patients).isEmpty)
    }

    func testAGarbledWithdrawalFlagsTheLotWhoseStatusIsNowUnknown() throws {
        let store = try openStore()
        let at = Fixture.t0
        try store.recordLot(
            .add(lot: "NB-2611", kind: .needleCartridge, product: "12-pin", expires: nil), by: "A", now: at)
        try store.recordLot(.add(lot: "SR-77", kind: .serum, product: "Serum", expires: nil), by: "A", now: at)
        try store.recordLot(.withdraw(lot: "nb-2611", reason: "maker recall"), by: "A", now: at)
        XCTAssertEqual(try store.lotRegisterAndDamage().damage, RecordDamage(journal: .lots))
        try garble(lotJournal, line: 2, inside: "reason")
        let (register, damage) = try openStore(.read).lotRegisterAndDamage()
        XCTAssertEqual(register.lot("NB-2611")?.status, .inStock, "as replayed: the withdrawal is unreadable")
        XCTAssertEqual(damage.flagged, ["NB-2611"], "typed in lower case, still found")
        XCTAssertEqual(damage.unreadable, [RecordDamage.UnreadableLine(line: 3, seqs: "#3 and any after it")])
        XCTAssertEqual(try openStore(.read).journalDamage(.lots), damage)
    }

    func testAnEditedLotLineWithAFreshChecksumIsAChainBreak() throws {
        let store = try openStore()
        try store.recordLot(.add(lot: "A-1", kind: .serum, product: "Serum", expires: nil), by: "A", now: Fixture.t0)
        try store.recordLot(.add(lot: "B-2", kind: .serum, product: "Serum", expires: nil), by: "A", now: Fixture.t0)
        var all = try lines(lotJournal)
        let first = try XCTUnwrap(JournalLine.decode([UInt8](all[0].dropLast())[...]))
        let payload = Data(
            String(decoding: first.payload, as: UTF8.self).replacingOccurrences(of: "Serum", with: "Seruk").utf8)
        all[0] = JournalLine.encode(seq: first.seq, payload: payload, more: first.more, prev: first.prev)
        try write(all, to: lotJournal)
        let damage = try openStore(.read).journalDamage(.lots)
        XCTAssertEqual(damage.chainBreaks, [2])
        XCTAssertTrue(damage.lines[0].contains("the hash chain of lots/journal.jsonl breaks before lot record #2"))
    }

    func testIDsAreFoundAsWholeWordsOnly() {
        let bytes = Data(#"{"id":"p-0001","mergedInto":"p-00012","x":"p-0001x"}"#.utf8)
        XCTAssertEqual(
            RecordDamage.idsNamed(in: bytes, among: ["p-0001", "p-00012", "p-001"].contains), ["p-0001", "p-00012"])
        XCTAssertTrue(RecordDamage.namesLot("nb/26 11", in: Data(#"{"lot":"NB/26 11"}"#.utf8)))
        XCTAssertFalse(RecordDamage.namesLot("NB-26", in: Data(#"{"lot":"NB-2611"}"#.utf8)))
    }
}
