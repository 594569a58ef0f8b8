import ChairsideCore
import Foundation
import TestSupport
import XCTest

@testable import ChairsideStore

/// Two records of one person joined by a merge line in the patient journal (issue 18, point 4).
final class PatientMergeTests: XCTestCase {
    var dir: String!
    let today = ClinicDay(string: "2026-11-21")!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("chairside-merge-\(UUID().uuidString)").path
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func openStore() throws -> Store { try Store(root: dir, timeZone: Fixture.utc, today: today) }

    /// Records a started session of `patient` at `offset` seconds after Fixture.t0; returns its ID.
    func startSession(_ store: Store, _ patient: Patient, offset: TimeInterval) throws -> String {
        var d = SessionDriver(id: Store.newSessionID(startedAt: Fixture.t0 + offset, timeZone: Fixture.utc))
        let start = try d.run(
            .start(patient: patient, technician: "Alex Rivera", room: "Room 1", plannedZones: ["cheeks"]),
            after: offset / 60)
        try store.beginSession(id: d.state.id, events: start).close()
        return d.state.id
    }

    /// Two records of José Müller (charts C-1 and C-2), a session each.
    func twoRecords(_ store: Store) throws -> (keep: Patient, other: Patient, sessions: [String]) {
        let keep = try store.savePatient(Fixture.patient(id: "", chart: "C-1"))
        let other = try store.savePatient(Fixture.patient(id: "", chart: "C-2"))
        let s1 = try startSession(store, keep, offset: 0)
        let s2 = try startSession(store, other, offset: 3600)
        return (keep, other, [s1, s2])
    }

    func patientJournalLines() throws -> Int {
        try String(contentsOfFile: dir + "/patients/journal.jsonl", encoding: .utf8).split(separator: "\n").count
    }

    func testAMergedPatientsHistoryListsTheSessionsOfBothRecords() throws {
        let store = try openStore()
        let (keep, other, sessions) = try twoRecords(store)
        try store.mergePatients(keep: keep.id, other: other.id, at: Fixture.t0 + 7200)

        for reopened in [
            store, try openStore(), try Store(root: dir, timeZone: Fixture.utc, today: today, access: .read),
        ] {
            let clinic = reopened.clinicView()
            XCTAssertEqual(try clinic.sessions(of: keep.id).map(\.id), sessions)
            XCTAssertEqual(
                try clinic.sessions(of: other.id).map(\.id), sessions, "the merged record leads to the patient")
            XCTAssertEqual(clinic.patients.canonical(other.id), keep.id)
            XCTAssertEqual(clinic.patients.search("jose muller").map(\.patient.id), [keep.id])
            XCTAssertEqual(reopened.directory.search("jose muller").map(\.id), [keep.id], "search shows one patient")
            XCTAssertEqual(reopened.directory.chartNumber(followingMerges: other.id), "C-1")
        }
    }

    /// `history` looks a patient up in a view holding only what the lookup reaches; it finds, follows
    /// merges and gathers sessions exactly as the view of every patient does.
    func testTheLookupViewAgreesWithTheWholeClinicView() throws {
        let store = try openStore()
        let (keep, other, _) = try twoRecords(store)
        let third = try store.savePatient(Fixture.patient("José Müller", id: "", chart: "C-3"))
        let chain = try store.savePatient(Fixture.patient("Ana Silva", id: "", chart: "A-9"))
        _ = try startSession(store, third, offset: 7200)
        _ = try startSession(store, chain, offset: 9000)
        for i in 0..<60 { _ = try store.savePatient(Fixture.patient("Jo Mu \(i)", id: "", chart: "J-\(i)")) }
        try store.mergePatients(keep: keep.id, other: other.id, at: Fixture.t0 + 7200)
        try store.mergePatients(keep: third.id, other: chain.id, at: Fixture.t0 + 7300)
        try store.mergePatients(keep: keep.id, other: third.id, at: Fixture.t0 + 7400)
        for reopened in [store, try Store(root: dir, timeZone: Fixture.utc, today: today, access: .read)] {
            let whole = reopened.clinicView().patients
            for query in [
                keep.id, other.id, chain.id, "C-1", "C-2", "c-3", "A-9", "jose", "jose muller", "ana", "jo mu", "x",
            ] {
                let view = reopened.clinicView(lookingUp: query)
                let found = view.patients.record(query).map { view.patients.canonical($0.patient.id) }
                XCTAssertEqual(found, whole.record(query).map { whole.canonical($0.patient.id) }, query)
                XCTAssertEqual(
                    view.patients.search(query, limit: 10).map(\.patient.id),
                    whole.search(query, limit: 10).map(\.patient.id),
                    query)
                for hit in whole.search(query, limit: 10) {
                    XCTAssertEqual(
                        Set(view.patients.members(of: hit.patient.id)), Set(whole.members(of: hit.patient.id)), query)
                    XCTAssertEqual(
                        try view.sessions(of: hit.patient.id).map(\.id),
                        try reopened.clinicView().sessions(of: hit.patient.id).map(\.id), query)
                }
            }
            XCTAssertEqual(
                Set(whole.members(of: keep.id)), [keep.id, other.id, third.id, chain.id], "a chain of merges")
        }
    }

    func testAMergeIsOneLineInThePatientJournalAndDeletesNothing() throws {
        let store = try openStore()
        let (keep, other, _) = try twoRecords(store)
        let before = try patientJournalLines()
        let line = try store.mergePatients(keep: "C-1", other: "C-2", at: Fixture.t0)
        XCTAssertEqual(try patientJournalLines(), before + 1)
        XCTAssertEqual(line.id, other.id)
        XCTAssertEqual(line.mergedInto, keep.id)
        let reopened = try openStore()
        XCTAssertEqual(reopened.directory.patient(id: other.id)?.name, other.name, "the merged record stays")
        XCTAssertEqual(reopened.directory.patient(id: other.id)?.mergedInto, keep.id)
    }

    func testCheckIsCleanAfterAMergeAndTheDirectoryIsTheOneTheJournalGives() throws {
        let store = try openStore()
        let (keep, other, _) = try twoRecords(store)
        try store.mergePatients(keep: keep.id, other: other.id, at: Fixture.t0 + 0.1234)
        let report = try openStore().check(full: true)
        XCTAssertEqual(report.findings, [], report.findings.map(\.text).joined(separator: "\n"))
        XCTAssertEqual(try openStore().check().findings, [])
        XCTAssertEqual(try openStore().directory.patient(id: other.id)?.mergedInto, keep.id)
    }

    func testMergingTwiceIsRefusedAndAnUnmergeUndoesTheMerge() throws {
        let store = try openStore()
        let (keep, other, sessions) = try twoRecords(store)
        try store.mergePatients(keep: keep.id, other: other.id, at: Fixture.t0)
        XCTAssertThrowsError(try store.mergePatients(keep: keep.id, other: other.id, at: Fixture.t0 + 1)) {
            XCTAssertEqual($0 as? PatientMergeError, .alreadyMerged(other.id, into: keep.id))
            XCTAssertTrue("\($0)".contains("unmerge-patient \(other.id)"), "\($0)")
        }
        let third = try store.savePatient(Fixture.patient("Jose Muller", id: "", chart: "C-3"))
        XCTAssertThrowsError(try store.mergePatients(keep: other.id, other: third.id, at: Fixture.t0 + 1)) {
            XCTAssertEqual($0 as? PatientMergeError, .keepIsMerged(other.id, into: keep.id))
        }
        try store.unmergePatient(other.id, at: Fixture.t0 + 2)
        XCTAssertThrowsError(try store.unmergePatient(other.id, at: Fixture.t0 + 3)) {
            XCTAssertEqual($0 as? PatientMergeError, .notMerged(other.id))
        }
        let clinic = try openStore().clinicView()
        XCTAssertEqual(try clinic.sessions(of: keep.id).map(\.id), [sessions[0]])
        XCTAssertEqual(try clinic.sessions(of: other.id).map(\.id), [sessions[1]])
        XCTAssertEqual(Set(try openStore().directory.search("jose").map(\.id)), [keep.id, other.id, third.id])
    }

    func testBadRecordNamesAreRefusedClearlyAndRecordNothing() throws {
        let store = try openStore()
        let (keep, _, _) = try twoRecords(store)
        let before = try patientJournalLines()
        XCTAssertThrowsError(try store.mergePatients(keep: keep.id, other: "p-nosuch", at: Fixture.t0)) {
            XCTAssertEqual($0 as? PatientMergeError, .unknown("p-nosuch"))
            XCTAssertTrue("\($0)".contains("No patient record has the ID or chart number"), "\($0)")
        }
        XCTAssertThrowsError(try store.mergePatients(keep: "C-1", other: keep.id, at: Fixture.t0)) {
            XCTAssertEqual($0 as? PatientMergeError, .sameRecord(keep.id))
        }
        XCTAssertThrowsError(try store.unmergePatient(keep.id, at: Fixture.t0)) {
            XCTAssertEqual($0 as? PatientMergeError, .notMerged(keep.id))
        }
        XCTAssertThrowsError(
            try Store(root: dir, timeZone: Fixture.utc, today: today, access: .read)
                .mergePatients(keep: keep.id, other: "C-2", at: Fixture.t0))
        XCTAssertEqual(try patientJournalLines(), before)
        for error in [PatientMergeError.unknown("x"), .sameRecord("p-1"), .notMerged("p-1")] {
            XCTAssertFalse("\(error)".contains("José"), "errors name records, never patients")
        }
    }

    func testTheLatestMergeOrUnmergeInAnyRoomDecides() {
        let a = Patient(id: "p-a", name: "Ana", chartNumber: "A-1")
        let b = Patient(id: "p-b", name: "Ana", chartNumber: "B-1")
        var merged = b
        merged.mergedInto = a.id
        merged.mergeRecordedAt = Fixture.t0
        var unmerged = b
        unmerged.mergeRecordedAt = Fixture.t0 + 60
        // Room A merged B's record; room B un-merged it later: the un-merge holds.
        let later = ClinicPatients(stores: [(nil, [a, merged]), ("room-b", [b, unmerged])])
        XCTAssertEqual(later.canonical(b.id), b.id)
        XCTAssertEqual(later.record(b.id)?.room, "room-b", "the registering room's record, not the merge copy")
        let earlier = ClinicPatients(stores: [(nil, [a, merged]), ("room-b", [b])])
        XCTAssertEqual(earlier.canonical(b.id), a.id)
        XCTAssertEqual(earlier.patients.map(\.patient.id), [a.id])
    }
}

final class CompactDirectoryMergeTests: XCTestCase {
    func testTheSnapshotKeepsTheMergeAndItsSearchLeavesMergedRecordsOut() {
        let keep = Patient(id: "p-1", name: "Ana Lima", chartNumber: "A-1", notes: "n")
        var other = Patient(id: "p-2", name: "Ana Lima", chartNumber: "A-2")
        other.mergedInto = keep.id
        other.mergeRecordedAt = Timestamp.parse("2026-11-21T09:30:00.125Z")
        let snapshot = CompactDirectory(patients: [keep, other], stamp: .init(journalBytes: 0, lastSeq: 0))
        let reread = CompactDirectory(bytes: snapshot.bytes)!
        let dir = PatientDirectory(snapshot: reread)
        XCTAssertEqual(dir.patient(id: other.id), other)
        XCTAssertEqual(dir.patient(id: keep.id), keep, "a record without a merge reads as before")
        XCTAssertEqual(dir.search("ana").map(\.id), [keep.id])
        XCTAssertEqual(dir.search("A-2").map(\.id), [], "a merged record's chart number is not a patient of its own")
        XCTAssertEqual(dir.chartNumber(followingMerges: other.id), "A-1")
    }
}
