import ChairsideCore
import Foundation
import TestSupport
import XCTest

@testable import ChairsideStore

final class StoreTests: XCTestCase {
    var dir: String!
    let today = ClinicDay(string: "2026-11-21")!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("chairside-store-\(UUID().uuidString)").path
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func openStore() throws -> Store { try Store(root: dir, timeZone: Fixture.utc, today: today) }

    /// Records a session walked to needling through the real store; returns its ID and events.
    func recordSession(_ store: Store, patient: Patient? = nil) throws -> (id: String, events: [SessionEvent]) {
        let p = try store.savePatient(patient ?? Fixture.patient(id: ""))
        var d = SessionDriver(id: Store.newSessionID(startedAt: Fixture.t0, timeZone: Fixture.utc))
        let start = try d.run(
            .start(patient: p, technician: "Alex Rivera", room: "Room 1", plannedZones: ["cheeks"]), after: 0)
        let writer = try store.beginSession(id: d.state.id, events: start)
        var all = start
        let before = d.state.events.count
        _ = try d.preparedForNeedling()
        let rest = Array(d.state.events[before...])
        for event in rest { try store.append([event], to: writer) }  // one decision each, as the console records them
        all += rest
        writer.close()
        return (d.state.id, all)
    }

    func journal(_ id: String) -> String { "\(dir!)/days/2026-11-21/\(id).jsonl" }

    func testAPassDoesNotRewriteTheDayIndexYetOtherReadersSeeIt() throws {
        let store = try openStore()
        let (id, events) = try recordSession(store)
        let index = "\(dir!)/days/2026-11-21/index.json"
        let indexBefore = try Data(contentsOf: URL(fileURLWithPath: index))
        let writer = try store.openSession(id: id)
        var d = SessionDriver(id: id)
        for e in events { d.state = d.state.evolve(e) }
        let pass = try d.run(
            .logPass(
                Pass(zone: "cheeks", depth: 1.0, count: 1, pattern: .horizontal, endpoint: .erythema),
                confirmAboveProtocol: false))
        try store.append(pass, to: writer)
        writer.close()
        XCTAssertEqual(
            try Data(contentsOf: URL(fileURLWithPath: index)), indexBefore,
            "a pass in the same step leaves the index file alone")
        XCTAssertEqual(try store.sessions(on: today).first?.passes, 1, "this console sees it at once")
        let patientFiles = { [dir = dir!] in
            try ["patients/directory.bin", "patients/refs"].map { path -> [String] in
                let full = dir + "/" + path
                let names = (try? FileManager.default.contentsOfDirectory(atPath: full))?.sorted() ?? [""]
                return try names.map { name in
                    path + name + ":"
                        + (try Data(contentsOf: URL(fileURLWithPath: name.isEmpty ? full : full + "/" + name)))
                        .base64EncodedString()
                }
            }
        }
        let patientsBefore = try patientFiles()
        let other = try openStore()
        XCTAssertEqual(try other.sessions(on: today).first?.passes, 1, "another reader re-reads the grown journal")
        XCTAssertEqual(try other.sessions(on: today).first?.lastSeq, pass.last?.seq)
        XCTAssertTrue(
            other.report.findings.isEmpty,
            "an index behind its journal is normal, not a repair: \(other.report.findings)")
        XCTAssertTrue(try openStore().check().findings.isEmpty)
        XCTAssertEqual(try patientFiles(), patientsBefore, "nothing about the patient changed")
    }

    func testEventsRoundTripThroughTheJournal() throws {
        let store = try openStore()
        let (id, events) = try recordSession(store)
        let reopened = try openStore()
        XCTAssertEqual(try reopened.loadSession(id: id).events, events)
        let summaries = try reopened.sessions(on: today)
        XCTAssertEqual(summaries.map(\.id), [id])
        XCTAssertEqual(summaries[0].step, "Needling")
        XCTAssertEqual(summaries[0].patientName, "José Müller")
    }

    func testEachLineCarriesSequenceAndChecksum() throws {
        let store = try openStore()
        let (id, _) = try recordSession(store)
        let lines = try String(contentsOfFile: journal(id), encoding: .utf8).split(separator: "\n")
        for (i, line) in lines.enumerated() {
            XCTAssertTrue(line.hasPrefix("{\"seq\":\(i + 1),\"crc\":\""), String(line))
            XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(line.utf8)), "each line is plain JSON")
        }
    }

    func testTornTailIsCutBackToTheLastGoodLine() throws {
        let store = try openStore()
        let (id, events) = try recordSession(store)
        let goodSize = try XCTUnwrap(DurableFiles(root: dir).size(journal(id)))
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: journal(id)))
        handle.seekToEndOfFile()
        handle.write(Data("{\"seq\":\(events.count + 1),\"crc\":\"0000".utf8))
        try handle.close()

        let reopened = try openStore()
        XCTAssertEqual(try reopened.loadSession(id: id).events, events)
        XCTAssertEqual(DurableFiles(root: dir).size(journal(id)), goodSize)
        XCTAssertTrue(reopened.report.findings.contains { if case .tornTailCut = $0 { true } else { false } })
        XCTAssertFalse(reopened.report.hasDamage)
    }

    func testGarbledMiddleLineIsKeptInPlaceAndEveryOtherLineIsRead() throws {
        let store = try openStore()
        let (id, events) = try recordSession(store)
        var lines = try String(contentsOfFile: journal(id), encoding: .utf8).split(separator: "\n").map(String.init)
        lines[3] = lines[3].replacingOccurrences(of: "\"by\":\"", with: "\"by\":\"X")
        let damaged = lines.joined(separator: "\n") + "\n"
        try damaged.write(toFile: journal(id), atomically: false, encoding: .utf8)

        let reopened = try openStore()
        let state = try reopened.loadSession(id: id)
        XCTAssertEqual(state.events, events.filter { $0.seq != 4 })
        XCTAssertEqual(
            state.unreadable.map(\.text),
            ["event #4 unreadable — original kept in place (line 4 of days/2026-11-21/\(id).jsonl)"])
        XCTAssertTrue(reopened.report.hasDamage)
        XCTAssertEqual(
            try String(contentsOfFile: journal(id), encoding: .utf8), damaged, "the damaged line stays, byte for byte")
        XCTAssertEqual(try reopened.sessions(on: today).first?.unreadableLines, 1)
    }

    func testUnreadableJournalIsQuarantinedAndTheRestStillLoads() throws {
        let store = try openStore()
        let (good, _) = try recordSession(store)
        let badID = "20261121-100000-beef"
        try Data("this is not a journal\n".utf8).write(to: URL(fileURLWithPath: journal(badID)))

        let reopened = try openStore()
        XCTAssertEqual(try reopened.sessions(on: today).map(\.id), [good])
        XCTAssertFalse(FileManager.default.fileExists(atPath: journal(badID)))
        XCTAssertTrue(reopened.report.findings.contains { if case .quarantined = $0 { true } else { false } })
    }

    func testUnreadableDayIndexIsRebuiltFromJournals() throws {
        let store = try openStore()
        let (id, _) = try recordSession(store)
        try Data("{garbage".utf8).write(to: URL(fileURLWithPath: dir + "/days/2026-11-21/index.json"))
        let reopened = try openStore()
        XCTAssertEqual(try reopened.sessions(on: today).map(\.id), [id])
    }

    func testStaleIndexIsRebuilt() throws {
        let store = try openStore()
        let (id, _) = try recordSession(store)
        try Data("[]".utf8).write(to: URL(fileURLWithPath: dir + "/days/2026-11-21/index.json"))
        let reopened = try openStore()
        XCTAssertEqual(try reopened.sessions(on: today).map(\.id), [id])
        XCTAssertTrue(reopened.report.findings.contains(.indexRebuilt(path: "days/2026-11-21/index.json")))
    }

    func testPermissionsHoldUnderUmaskZero() throws {
        let old = umask(0)
        defer { umask(old) }
        let store = try openStore()
        let (id, _) = try recordSession(store)
        func mode(_ path: String) throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber).intValue
        }
        for d in [dir!, dir + "/days", dir + "/days/2026-11-21", dir + "/patients", dir + "/quarantine"] {
            XCTAssertEqual(try mode(d), 0o700, d)
        }
        let patient = try XCTUnwrap(store.directory.patients.first)
        let shard = dir + "/patients/refs/" + String(format: "%02x.json", Store.refShard(of: patient.id))
        XCTAssertEqual(try mode(dir + "/patients/refs"), 0o700)
        for f in [
            journal(id), dir + "/days/2026-11-21/index.json", dir + "/patients/directory.bin", shard,
            dir + "/patients/journal.jsonl",
        ] {
            XCTAssertEqual(try mode(f), 0o600, f)
        }
    }

    func testSecondWriterIsRefusedButCanStillRead() throws {
        let store = try openStore()
        let (id, _) = try recordSession(store)
        let first = try store.openSession(id: id)
        let other = try openStore()
        XCTAssertThrowsError(try other.openSession(id: id)) { XCTAssertEqual($0 as? StoreError, .sessionLocked(id)) }
        XCTAssertNoThrow(try other.loadSession(id: id))
        first.close()
        XCTAssertNoThrow(try other.openSession(id: id).close())
    }

    func testFailedAppendRecordsNothingAndRetrySucceeds() throws {
        let store = try openStore()
        let (id, events) = try recordSession(store)
        let writer = try store.openSession(id: id)
        let note = SessionEvent(seq: events.count + 1, at: Fixture.minutes(90), by: "A", kind: .note(text: "n"))
        let saved = writer.fd
        writer.fdForTesting = -2  // a closed descriptor: write fails with EBADF
        XCTAssertThrowsError(try store.append([note], to: writer))
        XCTAssertEqual(writer.state.events.count, events.count, "a failed append is not shown as recorded")
        writer.fdForTesting = saved
        try store.append([note], to: writer)
        writer.close()
        XCTAssertEqual(try openStore().loadSession(id: id).events.last, note)
    }

    func testPatientsAndHistorySurviveReopen() throws {
        let store = try openStore()
        let (id, _) = try recordSession(store)
        let reopened = try openStore()
        let p = try XCTUnwrap(reopened.directory.search("müller").first)
        XCTAssertEqual(reopened.history(of: p.id).map(\.sessionID), [id])
    }

    func testLostPatientIndexIsRebuiltFromJournals() throws {
        let store = try openStore()
        let (id, _) = try recordSession(store)
        try FileManager.default.removeItem(atPath: dir + "/patients/directory.bin")
        try FileManager.default.removeItem(atPath: dir + "/patients/refs")
        let reopened = try openStore()
        let p = try XCTUnwrap(reopened.directory.patients.first)
        XCTAssertEqual(reopened.history(of: p.id).map(\.sessionID), [id])
    }

    func testTwoConsolesAddingPatientsKeepOneJournal() throws {
        let a = try openStore()
        let b = try openStore()
        try a.savePatient(Fixture.patient("Ana", id: "", chart: "A-1"))
        try b.savePatient(Fixture.patient("Ben", id: "", chart: "B-1"))
        XCTAssertThrowsError(
            try b.savePatient(Fixture.patient("Other", id: "", chart: "A-1")),
            "b sees a's chart number once it catches up")
        let reopened = try openStore()
        XCTAssertEqual(Set(reopened.directory.patients.map(\.name)), ["Ana", "Ben"])
        let lines = try String(contentsOfFile: dir + "/patients/journal.jsonl", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(lines[1].hasPrefix("{\"seq\":2,"))
        XCTAssertFalse(reopened.report.hasDamage)
    }

    func testDuplicateChartNumberIsRefused() throws {
        let store = try openStore()
        try store.savePatient(Fixture.patient(id: ""))
        XCTAssertThrowsError(try store.savePatient(Fixture.patient("Other", id: "", chart: "C-1001")))
    }

    func testSessionIDsCannotEscapeTheStore() throws {
        let store = try openStore()
        for bad in ["../../etc/passwd", "/etc/passwd", "20261121-093000-ab1/", "2026112A-093000-ab12", ""] {
            XCTAssertThrowsError(try store.loadSession(id: bad)) {
                XCTAssertEqual($0 as? StoreError, .invalidSessionID(bad))
            }
        }
    }

    func testCheckReportsCleanStoreAndRebuildsIndexes() throws {
        let store = try openStore()
        _ = try recordSession(store)
        XCTAssertFalse(try openStore().check().hasDamage)
    }

    func testStartupReadsOnlyTodayNotHistory() throws {
        let store = try openStore()
        _ = try recordSession(store)
        // A damaged journal on another day is not touched by startup, only by `check`.
        let old = "\(dir!)/days/2020-01-02"
        try FileManager.default.createDirectory(atPath: old, withIntermediateDirectories: true)
        try Data("garbage\n".utf8).write(to: URL(fileURLWithPath: old + "/20200102-090000-0001.jsonl"))
        let reopened = try openStore()
        XCTAssertTrue(FileManager.default.fileExists(atPath: old + "/20200102-090000-0001.jsonl"))
        XCTAssertFalse(reopened.report.hasDamage)
        XCTAssertTrue(try reopened.check().hasDamage)
    }
}

final class AftercareFileTests: XCTestCase {
    func testTemplateFileMissingBrokenOrNotUTF8() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tpl-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = AftercareTemplateFile.path(besideConfig: dir + "/config.toml")
        XCTAssertEqual(path, dir + "/aftercare.mustache")
        XCTAssertNil(AftercareTemplateFile.load(path: path), "no file: the built-in sheet, no warning")

        try "Dear {{patient_name}},\r\n\r\n{{#zones}}{{name}}\r\n{{/zones}}{{nmae}}\r\n".write(
            toFile: path, atomically: true, encoding: .utf8)
        guard case .failure(let error) = AftercareTemplateFile.load(path: path) else {
            return XCTFail("accepted a misspelt field")
        }
        XCTAssertEqual(
            error.description,
            "\(path):4: unknown field \"nmae\": the fields are listed in the README under \"Aftercare template\"")

        try Data([0x7B, 0x7B, 0xFF, 0xFE]).write(to: URL(fileURLWithPath: path))
        guard case .failure(let binary) = AftercareTemplateFile.load(path: path) else {
            return XCTFail("accepted bytes that are not UTF-8")
        }
        XCTAssertTrue(binary.description.contains("not UTF-8"))

        try "Dear {{patient_name}},\r\nSee you on {{next_visit_from}}.\r\n".write(
            toFile: path, atomically: true, encoding: .utf8)
        guard case .success(let template) = AftercareTemplateFile.load(path: path) else {
            return XCTFail("refused a good template")
        }
        XCTAssertEqual(template.source, path)
    }
}

final class HistoryStoreTests: XCTestCase {
    func testHistoryComesFromTheIndexesNotTheJournals() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hist-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let now = Fixture.t0.addingTimeInterval(8 * 3600)
        let today = ClinicDay(now, timeZone: Fixture.utc)
        var store: Store? = try Store(root: dir, timeZone: Fixture.utc, today: today)
        try DemoClinic.fill(store!, config: .standard, now: now, timeZone: Fixture.utc)
        let patient = try XCTUnwrap(store!.directory.patients.first { $0.chartNumber == "C-1001" })
        let expected = try store!.historySummaries(of: patient.id)
        XCTAssertEqual(expected.count, 3)
        store = nil

        // Overwrite an old journal with garbage of the same length: a history read from the journals
        // would change or fail; one read from the day index (whose recorded length still matches) does not.
        let old = try XCTUnwrap(expected.first)
        let day = try XCTUnwrap(SessionID.day(of: old.id))
        let journal = "\(dir)/days/\(day)/\(old.id).jsonl"
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: journal)[.size] as? Int)
        try Data(repeating: UInt8(ascii: "x"), count: size).write(to: URL(fileURLWithPath: journal))

        let reopened = try Store(root: dir, timeZone: Fixture.utc, today: today)
        XCTAssertEqual(try reopened.historySummaries(of: patient.id), expected)
        XCTAssertFalse(reopened.report.hasDamage, "the old day's journal was never read")
        XCTAssertTrue(try reopened.check().hasDamage, "while a full check does read it and finds the damage")
    }

    func testExportRangeCoversTheDaysAskedFor() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("range-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let now = Fixture.t0.addingTimeInterval(8 * 3600)
        let store = try Store(root: dir, timeZone: Fixture.utc, today: ClinicDay(now, timeZone: Fixture.utc))
        try DemoClinic.fill(store, config: .standard, now: now, timeZone: Fixture.utc)
        let all = try store.sessions(from: ClinicDay(string: "2000-01-01")!, through: ClinicDay(string: "2100-01-01")!)
        let today = try store.sessions(
            from: ClinicDay(string: "2026-11-21")!, through: ClinicDay(string: "2026-11-21")!)
        XCTAssertEqual(today.count, 5)
        XCTAssertGreaterThan(all.count, today.count)
        XCTAssertEqual(all.map(\.startedAt), all.map(\.startedAt).sorted())
    }
}

final class ConfigSaveTests: XCTestCase {
    var dir: String!

    override func setUp() {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID().uuidString)").path
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func testSavingTheThemeCreatesTheConfigWhenThereIsNoneAndReadsBack() throws {
        let path = dir + "/chairside/config.toml"
        try ConfigFile.saveTheme("high-contrast", path: path)
        XCTAssertEqual(try ConfigFile.load(path: path).theme, "high-contrast")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
    }

    func testSavingKeepsTheRestOfTheFile() throws {
        let path = dir + "/config.toml"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "# ours\n[clinic]\nname = \"Skin Studio\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        try ConfigFile.saveTheme("light", path: path)
        XCTAssertEqual(
            try String(contentsOfFile: path, encoding: .utf8),
            "# ours\n[clinic]\ntheme = \"light\"\nname = \"Skin Studio\"\n")
        XCTAssertEqual(try ConfigFile.load(path: path).clinicName, "Skin Studio")
    }

    func testABrokenConfigIsNotOverwritten() throws {
        let path = dir + "/config.toml"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let broken = "[clinic]\nname = \"Skin Studio\"\nrooms = [\"A\"\n"
        try broken.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ConfigFile.saveTheme("light", path: path)) { error in
            XCTAssertTrue("\(error)".contains("set theme = \"light\" under [clinic] by hand"), "\(error)")
        }
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), broken)
    }
}

final class SyntheticClinicTests: XCTestCase {
    func testAZeroYearClinicHasTodayTheBusyDayFullJournalsAndARegular() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("synthetic-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let today = ClinicDay(Fixture.t0, timeZone: Fixture.utc)
        let store = try Store(root: dir, timeZone: Fixture.utc, today: today)
        let summary = try SyntheticClinic(years: 0, patients: 50).generate(
            into: store, config: .standard, now: Fixture.t0, timeZone: Fixture.utc)
        XCTAssertEqual(summary.patients, 50)
        XCTAssertEqual(store.directory.patients.count, 50)
        let busy = try XCTUnwrap(summary.busyDay)
        XCTAssertEqual(try store.sessions(on: busy).count, 40)
        XCTAssertEqual(try store.sessions(on: today).count, 20)
        XCTAssertEqual(summary.sessions, 60)
        var events = 0
        for s in try store.sessions(on: busy) + store.sessions(on: today) {
            let state = try store.loadSession(id: s.id)
            XCTAssertTrue((60...120).contains(state.events.count), "\(s.id): \(state.events.count) events")
            XCTAssertEqual(state.status, .completed)
            events += state.events.count
        }
        XCTAssertEqual(events, summary.events)
        XCTAssertEqual(store.history(of: summary.regularPatientID).count, 2, "the regular comes on both days")
        XCTAssertFalse(try Store(root: dir, timeZone: Fixture.utc, today: today).check().hasDamage)
    }
}
