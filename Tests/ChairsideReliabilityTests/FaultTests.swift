import ChairsideCore
import Foundation
import TestSupport
import XCTest

@testable import ChairsideStore

/// Faults (issue 6, point 3): ENOSPC and EIO on write, fsync and rename, injected into the store's
/// durable-write layer. A failed write records nothing and a retry succeeds once the fault is gone;
/// a failed fsync reopens the journal and reads the session back from disk.
final class FaultTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir =
            FileManager.default.temporaryDirectory.appendingPathComponent("chairside-faults-\(UUID().uuidString)").path
        FaultPlan.shared.rules = []
    }

    override func tearDownWithError() throws {
        FaultPlan.shared.rules = []
        try? FileManager.default.removeItem(atPath: dir)
    }

    func openStore() throws -> Store { try Store(root: dir, timeZone: Fixture.utc, today: Probe.today) }

    /// A store with a patient and a session started, screened and consented; returns the writer.
    func startedSession(_ store: Store) throws -> (SessionWriter, SessionDriver) {
        let patient = try store.savePatient(Fixture.patient(id: ""))
        var driver = SessionDriver(id: Probe.sessionID)
        let start = try driver.run(
            .start(patient: patient, technician: "Alex Rivera", room: "Room 1", plannedZones: ["forehead"]), after: 0)
        let writer = try store.beginSession(id: Probe.sessionID, events: start)
        for command: SessionCommand in [
            .recordScreening(answers: Fixture.noScreeningFlags()), .recordConsent(signedBy: "José Müller"),
        ] {
            try store.append(try driver.run(command), to: writer)
        }
        return (writer, driver)
    }

    var journal: String { "\(dir!)/days/\(Probe.today)/\(Probe.sessionID).jsonl" }

    /// A fresh store with a session three events long, a fourth (a note) decided but not yet
    /// appended, and the journal's bytes before it.
    func sessionWithANoteToAppend() throws -> (store: Store, writer: SessionWriter, note: [SessionEvent], before: Data)
    {
        try? FileManager.default.removeItem(atPath: dir)
        let store = try openStore()
        let (writer, driver) = try startedSession(store)
        var d = driver
        let note = try d.run(.note("Comfortable"))
        return (store, writer, note, try Data(contentsOf: URL(fileURLWithPath: journal)))
    }

    func testAFailedWriteRecordsNothingAndARetrySucceeds() throws {
        for code in [ENOSPC, EIO] {
            let (store, writer, events, before) = try sessionWithANoteToAppend()
            FaultPlan.shared.rules = [.init(.write, code, pathPart: ".jsonl")]
            XCTAssertThrowsError(try store.append(events, to: writer)) { error in
                XCTAssertEqual(
                    error as? StoreError,
                    .io(operation: "write", path: "days/\(Probe.today)/\(Probe.sessionID).jsonl", errno: code))
                XCTAssertTrue(
                    "\(error)".contains("nothing was recorded") || "\(error)".contains("Nothing was recorded"),
                    "\(error)")
            }
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: journal)), before)
            XCTAssertEqual(writer.state.events.count, 3, "the failed event must not count")
            FaultPlan.shared.rules = []
            try store.append(events, to: writer)
            XCTAssertEqual(writer.state.events.count, 4)
            writer.close()
            XCTAssertEqual(try openStore().loadSession(id: Probe.sessionID).events.map(\.seq), [1, 2, 3, 4])
        }
    }

    func testAFailedFsyncReopensTheJournalAndReadsTheSessionBackFromDisk() throws {
        for code in [EIO, ENOSPC] {
            let (store, writer, events, before) = try sessionWithANoteToAppend()
            FaultPlan.shared.rules = [.init(.fdatasync, code, pathPart: ".jsonl")]
            FaultPlan.shared.keepsLog = true
            let opsBefore = FaultPlan.shared.operations.count
            XCTAssertThrowsError(try store.append(events, to: writer)) { error in
                XCTAssertEqual(
                    error as? StoreError,
                    .syncFailed(path: "days/\(Probe.today)/\(Probe.sessionID).jsonl", errno: code, reloaded: true))
                XCTAssertTrue("\(error)".contains("reloaded from disk"), "\(error)")
            }
            let after = FaultPlan.shared.operations.dropFirst(opsBefore).map(\.operation)
            FaultPlan.shared.keepsLog = false
            // Never retried on the old descriptor: the journal was cut back and synced through a new one.
            XCTAssertEqual(after.filter { $0 == .fdatasync }.count, 1, "\(after)")
            XCTAssertTrue(after.contains(.truncate) && after.contains(.fsync), "\(after)")
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: journal)), before)
            XCTAssertEqual(writer.state.events.count, 3)
            FaultPlan.shared.rules = []
            try store.append(events, to: writer)
            writer.close()
            XCTAssertEqual(try openStore().loadSession(id: Probe.sessionID).events.map(\.seq), [1, 2, 3, 4])
        }
    }

    func testWhenTheJournalCannotBeReadBackTheSessionIsLetGoWithAClearMessage() throws {
        let store = try openStore()
        let (writer, driver) = try startedSession(store)
        var d = driver
        let events = try d.run(.note("Comfortable"))
        // The sync fails, and so does the cut-back on the fresh descriptor.
        FaultPlan.shared.rules = [
            .init(.fdatasync, EIO, pathPart: ".jsonl"), .init(.truncate, EIO, pathPart: ".jsonl"),
        ]
        XCTAssertThrowsError(try store.append(events, to: writer)) { error in
            XCTAssertEqual(
                error as? StoreError,
                .syncFailed(path: "days/\(Probe.today)/\(Probe.sessionID).jsonl", errno: EIO, reloaded: false))
        }
        FaultPlan.shared.rules = []
        XCTAssertThrowsError(try store.append(events, to: writer)) { error in
            XCTAssertEqual(error as? StoreError, .sessionNotHeld(Probe.sessionID))
            XCTAssertTrue("\(error)".contains("reopen it from Today"))
        }
        // The write reached the file before its sync failed and could not be cut back: whether it is
        // there is up to the disk, which is what the message says. Either way nothing else is lost
        // and the session goes on.
        let store2 = try openStore()
        let reopened = try store2.openSession(id: Probe.sessionID)
        XCTAssertTrue((3...4).contains(reopened.state.events.count))
        try store2.append(
            try d.run(.note("again"), after: 0).map {
                SessionEvent(seq: reopened.state.events.count + 1, at: $0.at, by: $0.by, kind: $0.kind)
            }, to: reopened)
    }

    func testAFailedIndexRenameStillRecordsTheEventAndTheIndexIsRebuilt() throws {
        for code in [ENOSPC, EIO] {
            try? FileManager.default.removeItem(atPath: dir)
            let store = try openStore()
            let (writer, driver) = try startedSession(store)
            var d = driver
            // A step change rewrites the day index (temp file, fsync, rename); the rename fails.
            let events = try d.run(.applyNumbing(agent: "BLT", lot: "N-1", zones: ["forehead"], dwellTargetMinutes: 30))
            FaultPlan.shared.rules = [.init(.rename, code, pathPart: "index.json")]
            try store.append(events, to: writer)
            XCTAssertEqual(writer.state.events.count, 4, "the journal holds the event: it is recorded")
            XCTAssertNotNil(store.indexWarning)
            FaultPlan.shared.rules = []
            writer.close()
            let reopened = try openStore()
            XCTAssertEqual(try reopened.sessions(on: Probe.today).first?.lastSeq, 4)
            XCTAssertEqual(try reopened.check().hasDamage, false)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: "\(dir!)/days/\(Probe.today)").filter {
                $0.contains(".tmp-")
            }
            XCTAssertEqual(leftovers, [], "a failed rename leaves no temp file behind")
        }
    }

    func testAPatientIsRecordedOnlyWhenSyncedAndARetrySucceeds() throws {
        for rule in [
            FaultPlan.Rule(.write, ENOSPC, pathPart: "patients/journal"),
            .init(.fdatasync, EIO, pathPart: "patients/journal"),
            .init(.create, ENOSPC, pathPart: "patients/journal"),
        ] {
            try? FileManager.default.removeItem(atPath: dir)
            let store = try openStore()
            if rule.operation != .create {
                try store.savePatient(Fixture.patient("Ada Lovelace", id: "", chart: "C-1"))
            }
            let size = DurableFiles(root: dir).size(dir + "/patients/journal.jsonl")
            FaultPlan.shared.rules = [rule]
            XCTAssertThrowsError(
                try store.savePatient(Fixture.patient("Rosa Quintero", id: "", chart: "C-2")), "\(rule)")
            XCTAssertFalse(store.directory.patients.contains { $0.name == "Rosa Quintero" })
            XCTAssertEqual(DurableFiles(root: dir).size(dir + "/patients/journal.jsonl"), size, "\(rule)")
            FaultPlan.shared.rules = []
            try store.savePatient(Fixture.patient("Rosa Quintero", id: "", chart: "C-2"))
            XCTAssertEqual(try openStore().directory.patients.filter { $0.name == "Rosa Quintero" }.count, 1)
        }
    }

    func testAFullDiskWhenStartingASessionLeavesNoSession() throws {
        for op in [FileOperation.create, .write, .dirsync] {
            try? FileManager.default.removeItem(atPath: dir)
            let store = try openStore()
            let patient = try store.savePatient(Fixture.patient(id: ""))
            var driver = SessionDriver(id: Probe.sessionID)
            let start = try driver.run(
                .start(patient: patient, technician: "Alex Rivera", room: "Room 1", plannedZones: ["forehead"]),
                after: 0)
            FaultPlan.shared.rules = [.init(op, ENOSPC, pathPart: "days/")]
            XCTAssertThrowsError(try store.beginSession(id: Probe.sessionID, events: start), "\(op)")
            FaultPlan.shared.rules = []
            XCTAssertEqual(try openStore().sessions(on: Probe.today).count, 0, "\(op)")
        }
    }

    /// A decision of two events is one batch: a tear between its lines keeps neither.
    func testABatchTornBetweenItsLinesIsCutWhole() throws {
        let store = try openStore()
        let (writer, driver) = try startedSession(store)
        var d = driver
        let batch =
            try d.run(.note("one")) + [SessionEvent(seq: 5, at: d.clock, by: "Alex Rivera", kind: .note(text: "two"))]
        // The mark as it was before the batch: a torn batch is an append that never returned, so it was
        // never acknowledged (cutting an acknowledged one is damage, tested in AcknowledgementMarkTests).
        let mark = URL(fileURLWithPath: JournalMark.path(of: journal))
        let before = try Data(contentsOf: mark)
        try store.append(batch, to: writer)
        writer.close()
        try before.write(to: mark)
        let data = try Data(contentsOf: URL(fileURLWithPath: journal))
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        XCTAssertTrue(String(decoding: lines[3], as: UTF8.self).contains(#""more":true"#))
        // Keep the batch's first line whole and tear its second.
        let cut = data.count - lines[4].count / 2 - 1
        try data.prefix(cut).write(to: URL(fileURLWithPath: journal))
        let reopened = try openStore()
        XCTAssertEqual(try reopened.openSession(id: Probe.sessionID).state.events.count, 3)
        XCTAssertTrue(reopened.report.findings.contains { if case .tornTailCut = $0 { true } else { false } })
    }
}
