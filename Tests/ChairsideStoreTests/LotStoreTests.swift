import ChairsideCore
import Foundation
import TestSupport
import XCTest

@testable import ChairsideStore

final class LotStoreTests: XCTestCase {
    var dir: String!
    let today = ClinicDay(string: "2026-11-21")!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("chairside-lots-\(UUID().uuidString)").path
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func openStore() throws -> Store { try Store(root: dir, timeZone: Fixture.utc, today: today) }

    let expiry = ClinicDay(string: "2027-03-31")!

    /// Records a session through the real store that uses the numbing lot `lot` and a cartridge.
    func recordSession(_ store: Store, lot: String, cartridge: String = "NC-1", phone: String? = nil) throws
        -> String
    {
        var patient = Fixture.patient(id: "", chart: "C-\(UUID().uuidString.prefix(6))")
        patient.phone = phone
        let p = try store.savePatient(patient)
        var d = SessionDriver(id: Store.newSessionID(startedAt: Fixture.t0, timeZone: Fixture.utc))
        let start = try d.run(
            .start(patient: p, technician: "Alex Rivera", room: "Room 1", plannedZones: ["cheeks"]), after: 0)
        let writer = try store.beginSession(id: d.state.id, events: start)
        defer { writer.close() }
        for command: SessionCommand in [
            .recordScreening(answers: Fixture.noScreeningFlags()), .recordConsent(signedBy: p.name),
            .applyNumbing(agent: "BLT", lot: lot, zones: ["cheeks"], dwellTargetMinutes: 30),
            .recordNeedleCartridge(NeedleCartridge(lot: cartridge, configuration: "12-pin", needleLengthMM: 2)),
        ] {
            try store.append(try d.run(command), to: writer)
        }
        return d.state.id
    }

    func testTheLotJournalIsChainedLikeEveryJournalAndFoldsIntoTheRegister() throws {
        let store = try openStore()
        try store.recordLot(
            .add(lot: "NB-2611", kind: .anaesthetic, product: "BLT cream", expires: expiry), by: "Alex", now: Fixture.t0
        )
        try store.recordLot(.open(lot: "NB-2611"), by: "Alex", now: Fixture.t0)
        try store.recordLot(.withdraw(lot: "nb-2611", reason: "maker's recall"), by: "Alex", now: Fixture.t0)
        XCTAssertThrowsError(try store.recordLot(.withdraw(lot: "NB-2611", reason: "x"), by: "Alex", now: Fixture.t0)) {
            XCTAssertEqual($0 as? LotRefusal, .alreadyWithdrawn("NB-2611"))
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/lots/journal.jsonl"))
        let lines = data.split(separator: 0x0A, omittingEmptySubsequences: true).map { Data($0) + Data([0x0A]) }
        XCTAssertEqual(lines.count, 3, "the refused command wrote nothing")
        for (i, line) in lines.enumerated() {
            XCTAssertTrue(
                JournalChain.fits(
                    line, previous: i > 0 ? lines[i - 1] : nil, next: i + 1 < lines.count ? lines[i + 1] : nil))
        }
        let reread = try Store(root: dir, timeZone: Fixture.utc, today: today, access: .read).lotRegister()
        XCTAssertEqual(reread.lot("NB-2611")?.status, .withdrawn(reason: "maker's recall"))
        XCTAssertTrue(StoreJournals.list(root: dir).map(\.path).contains("lots/journal.jsonl"), "replicated")
        XCTAssertTrue(StoreJournals.isJournalPath("lots/journal.jsonl"))
    }

    func testCheckNamesADamagedLotLineAndKeepsTheOthers() throws {
        let store = try openStore()
        for n in 1...3 {
            try store.recordLot(
                .add(lot: "L-\(n)", kind: .serum, product: "Serum", expires: expiry), by: "Alex", now: Fixture.t0)
        }
        let path = dir + "/lots/journal.jsonl"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "L-2", with: "L-X")
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        let report = try openStore().check()
        XCTAssertTrue(
            report.findings.contains(.damagedLine(path: "lots/journal.jsonl", line: 2, seqs: "#2")),
            "\(report.findings)")
        XCTAssertEqual(try openStore().lotRegister().all.map(\.number), ["L-1", "L-3"])
    }

    func testRecallFindsEverySessionThatRecordedTheLotAndCheckRebuildsTheIndex() throws {
        let store = try openStore()
        let a = try recordSession(store, lot: "NB-1")
        let b = try recordSession(store, lot: "nb-1 ", cartridge: "NC-2")
        _ = try recordSession(store, lot: "NB-2")
        XCTAssertEqual(Set(try store.recall(lot: "NB-1").map(\.sessionID)), [a, b])
        XCTAssertEqual(Set(try store.recall(lot: "NC-1").map(\.sessionID)).count, 2)
        let hit = try XCTUnwrap(try store.recall(lot: "NC-2").first)
        XCTAssertEqual(hit.sessionID, b)
        XCTAssertEqual(hit.technician, "Alex Rivera")
        XCTAssertEqual(hit.zones, ["cheeks"])
        XCTAssertEqual(hit.patientName, "José Müller")
        XCTAssertEqual(hit.dateOfBirth, ClinicDay(string: "1988-04-02"))

        try FileManager.default.removeItem(atPath: dir + "/lots/recall")
        XCTAssertEqual(try openStore().recall(lot: "NB-1"), [], "the index is what a recall reads")
        _ = try openStore().check()
        XCTAssertEqual(Set(try openStore().recall(lot: "NB-1").map(\.sessionID)), [a, b])
        XCTAssertFalse(try openStore().check().findings.contains { if case .indexRebuilt = $0 { true } else { false } })
    }

    /// A daily check adds the sessions of the days it reads again to the recall index and trusts the
    /// files the last check recorded while they only grew; a file cut or removed since is rebuilt.
    func testTheDailyCheckKeepsTheRecallIndexWithoutReadingEveryDay() throws {
        let store = try openStore()
        let a = try recordSession(store, lot: "NB-1")
        XCTAssertFalse(try openStore().check().hasDamage)
        let b = try recordSession(store, lot: "NB-1", cartridge: "NC-2")
        let file = store.recallFile(LotRegister.key("NB-1"))
        // The entry of the new session lost (as if its append never happened): the check puts it back.
        try Data((a + "\n").utf8).write(to: URL(fileURLWithPath: file))
        let report = try openStore().check()
        XCTAssertTrue(
            report.findings.contains(.indexRebuilt(path: "lots/recall/" + (file as NSString).lastPathComponent)))
        XCTAssertEqual(Set(try openStore().recall(lot: "NB-1").map(\.sessionID)), [a, b])
        // A recorded file emptied: not a file that only grew, so every day is read again.
        try Data().write(to: URL(fileURLWithPath: file))
        _ = try openStore().check()
        XCTAssertEqual(Set(try openStore().recall(lot: "NB-1").map(\.sessionID)), [a, b])
        XCTAssertFalse(try openStore().check().findings.contains { if case .indexRebuilt = $0 { true } else { false } })
    }

    func testRecallGivesThePatientsPhoneToCallInTextCSVAndJSONAndBlankWhenNone() throws {
        let store = try openStore()
        let called = try recordSession(store, lot: "NB-7", phone: "+44 20 7946 0018")
        let unknown = try recordSession(store, lot: "NB-7")
        let entries = try store.recall(lot: "NB-7")
        XCTAssertEqual(entries.first { $0.sessionID == called }?.phone, "+44 20 7946 0018")
        XCTAssertEqual(entries.first { $0.sessionID == unknown }?.phone, "")
        let lines = RecallReport.csv(entries, timeZone: Fixture.utc).components(separatedBy: "\r\n")
        XCTAssertEqual(lines.first?.components(separatedBy: ",").last, "phone")
        // A leading + is quoted like any formula character (the house's CSV rule for spreadsheets).
        XCTAssertTrue(lines.contains { $0.contains(called) && $0.hasSuffix(",'+44 20 7946 0018") }, "\(lines)")
        XCTAssertTrue(lines.contains { $0.contains(unknown) && $0.hasSuffix(",") }, "blank when none: \(lines)")
        let table = RecallReport.table(
            lot: "NB-7", register: nil, entries: entries, proto: .standard, timeZone: Fixture.utc)
        XCTAssertTrue(table.contains("phone +44 20 7946 0018"), table)
        let json = try RecallReport.json(lot: "NB-7", register: nil, entries: entries, today: today)
        let doc = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let phones = (doc?["sessions"] as? [[String: Any]])?.map { $0["phone"] as? String }
        XCTAssertEqual(Set(phones ?? []), ["+44 20 7946 0018", nil])
    }

    func testAnIndexEntryWhoseJournalLineNeverLandedIsDropped() throws {
        let store = try openStore()
        let id = try recordSession(store, lot: "NB-1")
        // As a crash between the index's append and the journal's would leave it.
        try store.noteLotUse(["GHOST-9"], sessionID: id)
        XCTAssertEqual(try store.recall(lot: "GHOST-9"), [])
        XCTAssertEqual(try store.recall(lot: "NB-1").map(\.sessionID), [id])
    }
}

final class SyntheticRecallTests: XCTestCase {
    /// Five years of working days at one session a day (the bench's 20 a day take minutes to make):
    /// the recall of each lot is exactly what reading every journal finds.
    func testRecallOnTheFiveYearSyntheticClinicMatchesABruteForceScan() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("recall-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let today = ClinicDay(Fixture.t0, timeZone: Fixture.utc)
        var clinic = SyntheticClinic(years: 5, patients: 300)
        clinic.sessionsPerDay = 1
        clinic.busyDaySessions = 2
        let summary = try clinic.generate(
            into: try Store(root: dir, timeZone: Fixture.utc, today: today), config: .standard, now: Fixture.t0,
            timeZone: Fixture.utc)
        let store = try Store(root: dir, timeZone: Fixture.utc, today: today, access: .read)
        var scanned: [String: Set<String>] = [:]
        for day in store.allDays() {
            for name in try FileManager.default.contentsOfDirectory(atPath: dir + "/days/\(day)")
            where name.hasSuffix(".jsonl") {
                let state = try store.loadSession(id: String(name.dropLast(6)))
                for key in state.events.flatMap(\.kind.lotNumbers).map(LotRegister.key) {
                    scanned[key, default: []].insert(state.id)
                }
            }
        }
        let register = try store.lotRegister()
        XCTAssertEqual(register.all.count, summary.lots)
        XCTAssertEqual(Set(scanned.keys), Set(register.all.map { LotRegister.key($0.number) }), "every lot was used")
        XCTAssertGreaterThan(scanned.count, 100)
        for (key, sessions) in scanned {
            let recalled = try store.recall(lot: key)
            XCTAssertEqual(Set(recalled.map(\.sessionID)), sessions, key)
            XCTAssertEqual(recalled.count, sessions.count, "\(key): each session once")
            for hit in recalled {
                XCTAssertEqual(store.directory.patient(id: hit.patientID)?.chartNumber, hit.chartNumber)
            }
        }
    }
}
