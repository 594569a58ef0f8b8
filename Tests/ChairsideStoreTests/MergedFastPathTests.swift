import ChairsideCore
import Foundation
import TestSupport
import XCTest

@testable import ChairsideStore

/// Issues 14 and 16 together: the fast paths of issue 16 (the patient journal's tail replayed after
/// the snapshot, the parallel pass of `check --full`, the verification cache) verify issue 14's
/// per-line checks and hash chain or step aside for the salvaging read; a read-only store writes
/// none of issue 16's derived files.
final class MergedFastPathTests: XCTestCase {
    var dir: String!
    let today = ClinicDay(string: "2026-11-21")!

    override func setUpWithError() throws {
        dir =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("chairside-merged-\(UUID().uuidString)").path
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func openStore(_ access: StoreAccess = .create) throws -> Store {
        try Store(root: dir, timeZone: Fixture.utc, today: today, access: access)
    }

    func lines(_ path: String) throws -> [Data] {
        try Data(contentsOf: URL(fileURLWithPath: path)).split(separator: 0x0A, omittingEmptySubsequences: false)
            .dropLast().map { $0 + Data([0x0A]) }
    }

    func write(_ lines: [Data], _ path: String) throws {
        try lines.reduce(Data(), +).write(to: URL(fileURLWithPath: path))
    }

    /// The line rewritten with a fresh checksum and its old `prev`: it passes its own check, and
    /// only the next line's `prev` shows the edit.
    func edited(_ line: Data, _ from: String, _ to: String) throws -> Data {
        let d = try XCTUnwrap(JournalLine.decode([UInt8](line.dropLast())[...]))
        let payload = Data(String(decoding: d.payload, as: UTF8.self).replacingOccurrences(of: from, with: to).utf8)
        return JournalLine.encode(seq: d.seq, payload: payload, more: d.more, prev: d.prev)
    }

    /// Records one session on `day` for a new patient, with `notes` notes; returns the journal path.
    func session(on day: String, chart: String, in store: Store, notes: Int) throws -> String {
        let p = try store.savePatient(Fixture.patient("Patient \(chart)", id: "", chart: chart))
        let at = ClinicDay(string: day)!.start(in: Fixture.utc).addingTimeInterval(9 * 3600)
        var d = SessionDriver(id: Store.newSessionID(startedAt: at, timeZone: Fixture.utc))
        let start = try d.run(
            .start(patient: p, technician: "Alex Rivera", room: "Room 1", plannedZones: ["cheeks"]), after: 0)
        let writer = try store.beginSession(id: d.state.id, events: start)
        for i in 0..<notes { try store.append(try d.run(.note("Comfortable, note \(i)"), after: 1), to: writer) }
        writer.close()
        return "\(dir!)/days/\(day)/\(d.state.id).jsonl"
    }

    func testAnEditedPatientLineAfterTheSnapshotIsCaughtByTheChainAndKept() throws {
        let store = try openStore()
        for i in 1...3 { try store.savePatient(Fixture.patient("Patient \(i)", id: "", chart: "C-\(i)")) }
        let path = dir + "/patients/journal.jsonl"
        let snapshot = try XCTUnwrap(
            CompactDirectory(bytes: try Data(contentsOf: URL(fileURLWithPath: dir + "/patients/directory.bin"))))
        XCTAssertEqual(snapshot.stamp.lastSeq, 1, "patients 2 and 3 are replayed from the journal's tail")
        var all = try lines(path)
        all[1] = try edited(all[1], "Patient 2", "Patient Two")
        try write(all, path)

        let reader = try openStore(.read)
        XCTAssertEqual(reader.directory.count, 3, "every intact line is read, the edited one too")
        XCTAssertTrue(
            reader.report.findings.contains(.chainBroken(path: "patients/journal.jsonl", seq: 3)),
            "the tail is not replayed unverified: \(reader.report.findings)")
        XCTAssertEqual(try lines(path), all, "a reader changes nothing")

        let report = try openStore(.write).check()
        XCTAssertTrue(report.findings.contains(.chainBroken(path: "patients/journal.jsonl", seq: 3)))
        XCTAssertTrue(
            try openStore(.write).check().hasDamage, "an incremental check names it again: it was never cached")
    }

    func testAFullCheckNamesAChainBreakTheParallelPassCannotAccept() throws {
        let store = try openStore()
        let journal = try session(on: "2026-11-18", chart: "A-1", in: store, notes: 4)
        _ = try session(on: "2026-11-19", chart: "A-2", in: store, notes: 1)
        XCTAssertFalse(try openStore(.write).check(full: true).hasDamage)
        var all = try lines(journal)
        all[2] = try edited(all[2], "note 1", "note X")
        try write(all, journal)
        let rel = "days/2026-11-18/" + (journal as NSString).lastPathComponent
        let full = try openStore(.write).check(full: true)
        XCTAssertTrue(full.findings.contains(.chainBroken(path: rel, seq: 4)), "\(full.findings)")
        XCTAssertEqual(try lines(journal), all, "the edited line stays in place")
        let incremental = try openStore(.write).check()
        XCTAssertTrue(incremental.findings.contains(.chainBroken(path: rel, seq: 4)), "named by every check")
    }

    func testTheVerificationCacheRecordsEachJournalsChainHead() throws {
        let store = try openStore()
        let journal = try session(on: "2026-11-18", chart: "A-1", in: store, notes: 2)
        XCTAssertTrue(try openStore(.write).check().findings.isEmpty)
        let length = try XCTUnwrap(store.files.size(journal))
        let head = try store.lastLineHash(journal, length: length)
        let cache = VerificationCache(contentsOf: dir + "/check-cache.txt")
        let rel = "days/2026-11-18/" + (journal as NSString).lastPathComponent
        XCTAssertEqual(cache.journals[rel]?.head, head)
        XCTAssertEqual(cache.journals[rel]?.length, length)
    }

    func testAReadOnlyOpenWritesNoSnapshotShardCacheOrMigration() throws {
        let store = try openStore()
        _ = try session(on: "2026-11-18", chart: "R-1", in: store, notes: 1)
        let p = try XCTUnwrap(store.directory.patients(chartNumber: "R-1").first)
        let ref = try XCTUnwrap(store.history(of: p.id).first)
        // A store from before issue 16: no snapshot, no shards, the old index with the references.
        try FileManager.default.removeItem(atPath: dir + "/patients/directory.bin")
        try FileManager.default.removeItem(atPath: dir + "/patients/refs")
        let legacy =
            #"{"journalBytes":1,"lastSeq":1,"patients":[],"sessions":{"\#(p.id)":[{"sessionID":"\#(ref.sessionID)","#
            + #""startedAt":"\#(Timestamp.format(ref.startedAt))","status":"\#(ref.status.rawValue)"}]}}"#
        try Data(legacy.utf8).write(to: URL(fileURLWithPath: dir + "/patients/index.json"))
        let before = try tree()

        let reader = try openStore(.read)
        XCTAssertEqual(reader.directory.search("patient r").map(\.id), [p.id])
        XCTAssertEqual(reader.history(of: p.id), [ref], "the old index's references, read in memory")
        XCTAssertEqual(try reader.historySummaries(of: p.id).map(\.id), [ref.sessionID])
        XCTAssertEqual(try tree(), before, "nothing written, moved or removed")

        // Without the old index either, the reader works the references out from the days.
        try FileManager.default.removeItem(atPath: dir + "/patients/index.json")
        let bare = try tree()
        XCTAssertEqual(try openStore(.read).history(of: p.id), [ref])
        XCTAssertEqual(try tree(), bare)

        // A writer does migrate and write them.
        XCTAssertEqual(try openStore(.write).history(of: p.id), [ref])
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/patients/refs/complete"))
    }

    /// Every path under the store with its size and modification time.
    func tree() throws -> [String: String] {
        var out: [String: String] = [:]
        let fm = FileManager.default
        for rel in try fm.subpathsOfDirectory(atPath: dir) {
            let a = try fm.attributesOfItem(atPath: dir + "/" + rel)
            out[rel] = "\(a[.size] ?? 0) \((a[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
        }
        return out
    }
}
