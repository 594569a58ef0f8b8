import ChairsideCore
import Foundation
import TestSupport
import XCTest

@testable import ChairsideStore

/// Opening the store costs the same however many patients it holds: the directory is opened at
/// the first search, patients saved since are replayed from the journal, references are read
/// per patient. And `check` reads again only what changed since the last one, unless `--full`.
final class ConstantStartTests: XCTestCase {
    var dir: String!
    let today = ClinicDay(string: "2026-11-21")!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("chairside-start-\(UUID().uuidString)").path
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func openStore() throws -> Store { try Store(root: dir, timeZone: Fixture.utc, today: today) }

    func snapshotStamp() throws -> CompactDirectory.Stamp {
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/patients/directory.bin"))
        return try XCTUnwrap(CompactDirectory(bytes: data)).stamp
    }

    func testOpeningTheStoreReadsNoPatientFileUntilTheFirstSearch() throws {
        let store = try openStore()
        try store.savePatient(Fixture.patient("José Müller", id: "", chart: "C-1"))
        try Data("not a directory".utf8).write(to: URL(fileURLWithPath: dir + "/patients/directory.bin"))
        let reopened = try openStore()
        XCTAssertNil(reopened.patientState.directory, "opening did not touch the directory")
        XCTAssertTrue(reopened.report.findings.isEmpty)
        XCTAssertEqual(reopened.directory.search("jo mu").map(\.name), ["José Müller"])
        XCTAssertTrue(
            reopened.report.findings.contains {
                if case .quarantined(path: "patients/directory.bin", _, _) = $0 { true } else { false }
            },
            "the unreadable snapshot is moved aside at the first search and rebuilt: \(reopened.report.findings)")
        XCTAssertEqual(try openStore().directory.search("").count, 1)
        XCTAssertTrue(try openStore().check().findings.isEmpty)
    }

    func testADirectoryOfAnEarlierLayoutIsRebuiltNotQuarantined() throws {
        let store = try openStore()
        try store.savePatient(Fixture.patient("José Müller", id: "", chart: "C-1"))
        let path = dir + "/patients/directory.bin"
        var old = try Data(contentsOf: URL(fileURLWithPath: path))
        old.replaceSubrange(0..<8, with: Data("CHDIR001".utf8))
        try old.write(to: URL(fileURLWithPath: path), options: .atomic)
        let reopened = try openStore()
        XCTAssertEqual(reopened.directory.search("jo mu").map(\.name), ["José Müller"])
        XCTAssertFalse(reopened.report.hasDamage, "\(reopened.report.findings)")
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: dir + "/quarantine"), [], "nothing was moved aside")
        XCTAssertNotNil(CompactDirectory(bytes: try Data(contentsOf: URL(fileURLWithPath: path))), "rewritten")
    }

    func testPatientsSavedByAnotherConsoleAreReplayedFromTheJournalTail() throws {
        let a = try openStore()
        try a.savePatient(Fixture.patient("Ana Silva", id: "", chart: "A-1"))
        let stamp = try snapshotStamp()
        let b = try openStore()
        for i in 0..<3 { try b.savePatient(Fixture.patient("Ben Okafor \(i)", id: "", chart: "B-\(i)")) }
        XCTAssertEqual(try snapshotStamp(), stamp, "a save is one journal line; the snapshot stays")
        XCTAssertEqual(a.directory.search("ben").count, 0, "a loaded directory is this console's until it saves")
        XCTAssertThrowsError(
            try a.savePatient(Fixture.patient("Other", id: "", chart: "B-2")), "a catches up before numbering")
        let reopened = try openStore()
        XCTAssertEqual(reopened.directory.search("ben").map(\.chartNumber), ["B-0", "B-1", "B-2"])
        XCTAssertEqual(reopened.directory.count, 4)
        XCTAssertTrue(reopened.report.findings.isEmpty)
    }

    func testTheSnapshotIsRewrittenOnceEnoughPatientsPiledUpSinceIt() throws {
        let store = try openStore()
        for i in 0...(Store.overlayLimit + 1) {
            try store.savePatient(Fixture.patient("Patient \(i)", id: "", chart: "P-\(i)"))
        }
        XCTAssertGreaterThan(try snapshotStamp().lastSeq, 1)
        let reopened = try openStore()
        XCTAssertEqual(reopened.directory.count, Store.overlayLimit + 2)
        XCTAssertEqual(reopened.directory.patients(chartNumber: "p-7").map(\.name), ["Patient 7"])
    }

    func testHistoryReadsOnlyThePatientsShardAndLostShardsAreRebuilt() throws {
        let store = try openStore()
        let p = try store.savePatient(Fixture.patient("Rosa Quintero", id: "", chart: "R-1"))
        var d = SessionDriver(id: Store.newSessionID(startedAt: Fixture.t0, timeZone: Fixture.utc))
        let start = try d.run(
            .start(patient: p, technician: "Alex Rivera", room: "Room 1", plannedZones: ["cheeks"]), after: 0)
        try store.beginSession(id: d.state.id, events: start).close()
        let shard = dir + "/patients/refs/" + String(format: "%02x.json", Store.refShard(of: p.id))
        XCTAssertTrue(FileManager.default.fileExists(atPath: shard))
        XCTAssertEqual(try openStore().history(of: p.id).map(\.sessionID), [d.state.id])
        try Data("{garbage".utf8).write(to: URL(fileURLWithPath: shard))
        let reopened = try openStore()
        XCTAssertEqual(reopened.history(of: p.id).map(\.sessionID), [d.state.id], "rebuilt from the day indexes")
        XCTAssertTrue(
            reopened.report.findings.contains(
                .indexRebuilt(path: String(format: "patients/refs/%02x.json", Store.refShard(of: p.id)))))
    }

    func testAStoreWithTheOldPatientIndexKeepsItsHistory() throws {
        let store = try openStore()
        let p = try store.savePatient(Fixture.patient("Rosa Quintero", id: "", chart: "R-1"))
        let ref = SessionRef(sessionID: "20261120-090000-0001", startedAt: Fixture.t0, status: .completed)
        try? FileManager.default.removeItem(atPath: dir + "/patients/refs")
        try FileManager.default.removeItem(atPath: dir + "/patients/directory.bin")
        let legacy =
            #"{"journalBytes":1,"lastSeq":1,"patients":[],"sessions":{"\#(p.id)":[{"sessionID":"\#(ref.sessionID)","#
            + #""startedAt":"\#(Timestamp.format(ref.startedAt))","status":"completed"}]}}"#
        try Data(legacy.utf8).write(to: URL(fileURLWithPath: dir + "/patients/index.json"))
        let reopened = try openStore()
        XCTAssertEqual(reopened.history(of: p.id), [ref], "the references of patients/index.json carry over")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/patients/index.json"), "and the old index goes")
        XCTAssertEqual(reopened.directory.search("rosa").map(\.id), [p.id])
    }

    /// Records one session on `day` for a new patient; returns the journal path.
    func session(on day: String, chart: String, in store: Store, notes: Int = 1) throws -> String {
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

    func testAHistoryReadsTheIndexEntryUnlessItsJournalGrew() throws {
        let store = try openStore()
        let journal = try session(on: "2026-11-18", chart: "H-1", in: store)
        _ = try session(on: "2026-11-18", chart: "H-2", in: store)
        let patient = try XCTUnwrap(store.directory.patients(chartNumber: "H-1").first)
        let before = try XCTUnwrap(try openStore().historySummaries(of: patient.id).first)
        XCTAssertEqual(before.lastSeq, 2)
        // Another console adds a note: the index entry is now behind, so the journal is read.
        let id = ((journal as NSString).lastPathComponent as NSString).deletingPathExtension
        let writer = try openStore().openSession(id: id)
        var d = SessionDriver(id: id)
        for e in writer.state.events { d.state = d.state.evolve(e) }
        try store.append(try d.run(.note("Called back: fine"), after: 60), to: writer)
        writer.close()
        let after = try openStore().historySummaries(of: patient.id)
        XCTAssertEqual(after.map(\.lastSeq), [3])
        XCTAssertEqual(after.map(\.id), [before.id])
    }

    func testCheckRecordsWhatItVerifiedAndStillFindsDamageInTheMiddleOfAJournal() throws {
        let store = try openStore()
        // Longer than 4 KiB: issue 16 fingerprinted only the last 4 KiB; since the merge with issue 14
        // the whole journal is hashed, so damage in its first line is read and named by every check.
        let old = try session(on: "2026-11-18", chart: "A-1", in: store, notes: 60)
        _ = try session(on: "2026-11-19", chart: "A-2", in: store)
        XCTAssertTrue(try openStore().check().findings.isEmpty)
        let rel = "days/2026-11-18/" + (old as NSString).lastPathComponent
        XCTAssertEqual(
            VerificationCache(contentsOf: dir + "/check-cache.txt").journals[rel]?.length,
            try Data(contentsOf: URL(fileURLWithPath: old)).count)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: old))
        let at = try XCTUnwrap(bytes.firstIndex(of: UInt8(ascii: "e")))
        bytes[at] = UInt8(ascii: "E")
        try bytes.write(to: URL(fileURLWithPath: old))
        let incremental = try openStore()
        XCTAssertTrue(try incremental.check().hasDamage, "same length and tail, other bytes: read again")
        XCTAssertEqual(incremental.lastCheckCounts.sessions, 2)
        XCTAssertTrue(try openStore().check().hasDamage, "and named again until someone acts")
        XCTAssertTrue(try openStore().check(full: true).hasDamage, "--full finds it too")
    }

    func testCheckReadsAJournalThatGrewOrAppearedSinceTheLastCheck() throws {
        let store = try openStore()
        let first = try session(on: "2026-11-18", chart: "A-1", in: store)
        XCTAssertTrue(try openStore().check().findings.isEmpty)
        // A journal that grew by a torn line (a crash mid-write) is read again and cut back.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: first))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"seq":99,"crc":"#.utf8))
        try handle.close()
        let report = try openStore().check()
        XCTAssertTrue(
            report.findings.contains { if case .tornTailCut = $0 { true } else { false } }, "\(report.findings)")
        // A new session on a day already checked is read, and its reference recorded.
        _ = try session(on: "2026-11-18", chart: "A-2", in: store)
        let again = try openStore()
        XCTAssertTrue(try again.check().findings.isEmpty)
        XCTAssertEqual(again.lastCheckCounts.sessions, 2)
        // A lost reference shard is noticed by the next (incremental) check.
        let patient = try XCTUnwrap(again.directory.patients(chartNumber: "A-2").first)
        try FileManager.default.removeItem(
            atPath: dir + "/patients/refs/" + String(format: "%02x.json", Store.refShard(of: patient.id)))
        let fixed = try openStore()
        XCTAssertTrue(try fixed.check().findings.contains { if case .indexRebuilt = $0 { true } else { false } })
        XCTAssertEqual(fixed.history(of: patient.id).count, 1)
    }

    func testCheckReadsOnlyThePatientsAddedSinceTheLastCheckUnlessEarlierOnesChanged() throws {
        let store = try openStore()
        for i in 0..<3 { try store.savePatient(Fixture.patient("Early \(i)", id: "", chart: "E-\(i)")) }
        XCTAssertTrue(try openStore().check().findings.isEmpty)
        try store.savePatient(Fixture.patient("Later", id: "", chart: "L-1"))
        let again = try openStore()
        XCTAssertTrue(try again.check().findings.isEmpty)
        XCTAssertEqual(again.directory.patients(chartNumber: "L-1").map(\.name), ["Later"])
        // Damage in a line the last check verified: the journal no longer starts as it did, so all of it is read.
        let path = dir + "/patients/journal.jsonl"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let at = try XCTUnwrap(bytes.firstIndex(of: UInt8(ascii: "E")))
        bytes[at] = UInt8(ascii: "F")
        try bytes.write(to: URL(fileURLWithPath: path))
        XCTAssertTrue(try openStore().check().hasDamage)
    }

    func testFullCheckDecodesInParallelAndFindsWhatTheOrderedPassFinds() throws {
        let store = try openStore()
        var journals: [String] = []
        for (i, day) in ["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"].enumerated() {
            journals.append(try session(on: day, chart: "F-\(i)", in: store))
        }
        try Data("garbage\n".utf8).write(to: URL(fileURLWithPath: journals[2]))
        let checked = try openStore()
        let report = try checked.check(full: true)
        XCTAssertTrue(
            report.findings.contains { if case .quarantined = $0 { true } else { false } }, "\(report.findings)")
        XCTAssertEqual(checked.lastCheckCounts.sessions, 4)
        // The day lost a session its anchor was made from, and the journal's acknowledged lines (its mark
        // went to quarantine with it): that stays reported until someone accepts it.
        let again = try openStore().check(full: true).findings.filter(\.isDamage)
        XCTAssertFalse(again.isEmpty)
        XCTAssertTrue(
            again.allSatisfy {
                switch $0 {
                case .anchorMismatch(day: "2026-11-18", _): true
                case .linesMissing(let path, 0, 0, _): path.hasPrefix("days/2026-11-18/")
                default: false
                }
            }, "\(again)")
        XCTAssertEqual(try openStore().acceptStandingFindings("2026-11-18"), again.count)
        XCTAssertFalse(try openStore().check(full: true).hasDamage)
    }

    /// Today's journals are verified by their bytes at the first listing (a byte changed in place
    /// keeps the length the index trusts); an intact one keeps the index's summary without decoding.
    func testTodaysJournalChangedInPlaceIsFlaggedAtTheFirstListing() throws {
        let store = try openStore()
        let p = try store.savePatient(Fixture.patient(id: ""))
        var d = SessionDriver(id: "20261121-090000-0b0b")
        let start = try d.run(
            .start(patient: p, technician: "Alex Rivera", room: "Room 1", plannedZones: ["forehead"]), after: 0)
        let writer = try store.beginSession(id: d.state.id, events: start)
        let before = d.state.events.count
        try d.run(.recordScreening(answers: Fixture.noScreeningFlags()))
        try d.run(.recordConsent(signedBy: "José Müller"))
        for event in d.state.events[before...] { try store.append([event], to: writer) }
        writer.close()
        XCTAssertEqual(try openStore().sessions(on: today).map(\.unreadableLines), [0])
        let path = dir + "/days/2026-11-21/20261121-090000-0b0b.jsonl"
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        let size = data.count
        data[data.firstIndex(of: 0x0A)! + 20] ^= 0x04
        try data.write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size)
        let listed = try openStore().sessions(on: today)
        XCTAssertEqual(listed.map(\.unreadableLines), [1], "the changed line is named at the first listing")
    }
}
