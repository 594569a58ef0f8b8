import ChairsideCore
import Foundation
import TestSupport
import XCTest

@testable import ChairsideStore

/// Issue 14 point 4 (a store is a store) and issue 13 point 5 (reads never write).
final class StoreAccessTests: XCTestCase {
    var dir: String!
    var root: String { dir + "/store" }
    let today = ClinicDay(string: "2026-11-21")!

    override func setUpWithError() throws {
        dir =
            FileManager.default.temporaryDirectory.appendingPathComponent("chairside-access-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func open(_ access: StoreAccess) throws -> Store {
        try Store(root: root, timeZone: Fixture.utc, today: today, access: access)
    }

    /// Every entry under `path` (itself included): its type, mode and, for a file, its bytes.
    static func snapshot(_ path: String) -> [String: String] {
        var out: [String: String] = [:]
        for rel in [""] + (FileManager.default.subpaths(atPath: path) ?? []) {
            var st = stat()
            guard lstat(path + "/" + rel, &st) == 0 else { continue }
            var entry = "\(st.st_mode)"
            if (st.st_mode & S_IFMT) == S_IFREG {
                entry += " " + JournalLine.hash(FileManager.default.contents(atPath: path + "/" + rel) ?? Data())
            }
            out[rel] = entry
        }
        return out
    }

    func recordSession(_ store: Store) throws -> String {
        let p = try store.savePatient(Fixture.patient(id: ""))
        var d = SessionDriver(id: "20261121-090000-0b0b")
        let start = try d.run(
            .start(patient: p, technician: "Alex Rivera", room: "Room 1", plannedZones: ["cheeks"]), after: 0)
        let writer = try store.beginSession(id: d.state.id, events: start)
        let before = d.state.events.count
        _ = try d.preparedForNeedling()
        for event in d.state.events[before...] { try store.append([event], to: writer) }
        writer.close()
        return d.state.id
    }

    func testAFolderThatIsNotAStoreIsRefusedAndLeftExactlyAsItWas() throws {
        try FileManager.default.createDirectory(atPath: root + "/photos", withIntermediateDirectories: true)
        try Data("tax return".utf8).write(to: URL(fileURLWithPath: root + "/notes.txt"))
        chmod(root, 0o755)
        let before = Self.snapshot(root)
        for access in [StoreAccess.read, .write, .create] {
            XCTAssertThrowsError(try open(access)) { error in
                XCTAssertEqual(error as? StoreError, .notAStore(root))
                XCTAssertTrue("\(error)".contains("not a Chairside store — give an empty or new folder"), "\(error)")
            }
            XCTAssertEqual(Self.snapshot(root), before, "\(access): no chmod, no folder, no file")
        }
    }

    func testCommandsThatOnlyReadNeverCreateAStore() throws {
        for access in [StoreAccess.read, .write] {
            XCTAssertThrowsError(try open(access)) { XCTAssertEqual($0 as? StoreError, .noStore(root)) }
            XCTAssertFalse(FileManager.default.fileExists(atPath: root))
        }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        XCTAssertThrowsError(try open(.read)) { XCTAssertEqual($0 as? StoreError, .noStore(root)) }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root), [], "an empty folder stays empty")
        let store = try open(.create)
        XCTAssertNotNil(UUID(uuidString: try XCTUnwrap(store.storeID)))
        XCTAssertEqual(try open(.read).storeID, store.storeID, "the ID is the store's, kept in its marker")
        XCTAssertEqual(
            Set(try FileManager.default.contentsOfDirectory(atPath: root)),
            ["chairside-store.json", "days", "patients", "quarantine"])
    }

    func testReadingADamagedStoreChangesNoByteAndNoModeAndOpeningForWritingRepairsAndReports() throws {
        let id = try recordSession(try open(.create))
        let day = root + "/days/2026-11-21"
        let journal = day + "/\(id).jsonl"
        // A torn tail, an unreadable day index, a stale patient index, a crash's temp file, a FIFO
        // where a journal belongs, a folder where the patient index belongs, loose modes.
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: journal))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"seq":99,"crc":"00"#.utf8))
        try handle.close()
        try Data("{garbage".utf8).write(to: URL(fileURLWithPath: day + "/index.json"))
        try Data("{}".utf8).write(to: URL(fileURLWithPath: day + "/.index.json.tmp-999999999"))
        XCTAssertEqual(mkfifo(day + "/20261121-100000-f1f0.jsonl", 0o600), 0)
        chmod(day, 0o755)
        let before = Self.snapshot(root)

        let reader = try open(.read)
        XCTAssertEqual(try reader.sessions(on: today).map(\.id), [id])
        XCTAssertEqual(try reader.loadSession(id: id).events.count, try reader.sessions(on: today).first?.lastSeq)
        _ = try reader.historySummaries(of: try XCTUnwrap(reader.directory.patients.first?.id))
        _ = try reader.anchor(on: today)
        XCTAssertThrowsError(try reader.openSession(id: id)) { XCTAssertEqual($0 as? StoreError, .readOnly) }
        XCTAssertThrowsError(try reader.savePatient(Fixture.patient(id: ""))) {
            XCTAssertEqual($0 as? StoreError, .readOnly)
        }
        XCTAssertTrue(
            reader.report.findings.contains(
                .notAFile(path: "days/2026-11-21/20261121-100000-f1f0.jsonl", kind: "FIFO", movedTo: nil)),
            "\(reader.report.findings)")
        XCTAssertEqual(
            Self.snapshot(root), before, "reading wrote nothing, truncated nothing, moved nothing, changed no mode")

        let writer = try open(.write)
        let found = writer.report.findings
        XCTAssertTrue(found.contains { if case .tornTailCut = $0 { true } else { false } }, "\(found)")
        XCTAssertTrue(
            found.contains {
                if case .quarantined(path: "days/2026-11-21/index.json", _, _) = $0 { true } else { false }
            }, "\(found)")
        XCTAssertTrue(found.contains(.leftoverTempFile(path: "days/2026-11-21/.index.json.tmp-999999999")), "\(found)")
        XCTAssertTrue(found.contains { if case .notAFile(_, "FIFO", .some) = $0 { true } else { false } }, "\(found)")
        XCTAssertNotEqual(Self.snapshot(root), before)
    }

    func testAStoreFromBeforeTheMarkerIsReadAsItIsAndAdoptedWhenOpenedForWriting() throws {
        let id = try recordSession(try open(.create))
        try FileManager.default.removeItem(atPath: root + "/chairside-store.json")
        let before = Self.snapshot(root)
        let reader = try open(.read)
        XCTAssertNil(reader.storeID)
        XCTAssertEqual(try reader.sessions(on: today).map(\.id), [id])
        XCTAssertEqual(Self.snapshot(root), before)
        let adopted = try open(.write)
        let storeID = try XCTUnwrap(adopted.storeID)
        XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/chairside-store.json"))
        XCTAssertEqual(try open(.read).storeID, storeID)
        XCTAssertEqual(try open(.create).sessions(on: today).map(\.id), [id])
    }
}
