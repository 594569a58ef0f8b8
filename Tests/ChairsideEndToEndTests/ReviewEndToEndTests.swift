import Foundation
import XCTest

/// The review commands on the real binary; the CSV is read back by Python's csv module.
final class ReviewEndToEndTests: EndToEndCase {
    /// Parses CSV with a real parser and returns the rows as JSON arrays.
    func parseCSV(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> [[String]] {
        let path = dir + "/export.csv"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let script =
            "import csv,json,sys; print(json.dumps(list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))))"
        let r = Tmux.run(["python3", "-c", script, path])
        XCTAssertEqual(r.status, 0, r.err, file: file, line: line)
        return try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String]], file: file, line: line)
    }

    func testExportedCSVReadsBackWithAHostileNameIntact() throws {
        let hostile = "Smith, \"Jo\" =1+1"
        tmux.start(consoleLine())
        startSession(name: hostile)
        walkToNeedling()
        logPass()
        leaveSessionAndQuit()
        let id = try onlySessionID()
        let day = dayOf(id)

        let sessions = cli("export", "--from", day, "--to", day, "--format", "csv")
        XCTAssertEqual(sessions.status, 0, sessions.err)
        let rows = try parseCSV(sessions.out)
        XCTAssertEqual(rows.count, 2)
        XCTAssertEqual(rows[0].first, "session_id")
        XCTAssertEqual(rows[0].count, rows[1].count)
        let row = Dictionary(uniqueKeysWithValues: zip(rows[0], rows[1]))
        XCTAssertEqual(row["session_id"], id)
        XCTAssertEqual(row["patient_name"], hostile, "commas and quotes survive; the name does not start with =")
        XCTAssertEqual(row["chart_number"], "C-7001")
        XCTAssertEqual(row["status"], "in-progress")
        XCTAssertEqual(row["treated_zones"], "forehead")
        XCTAssertEqual(row["passes"], "1")
        XCTAssertEqual(row["max_depth_mm"], "0.50")

        let today = cli("today", "--date", day, "--csv")
        XCTAssertEqual(try parseCSV(today.out), rows, "today --csv has the export's columns")

        let passes = cli("export", "--from", day, "--to", day, "--format", "csv", "--passes")
        let passRows = try parseCSV(passes.out)
        XCTAssertEqual(passRows.count, 2)
        let pass = Dictionary(uniqueKeysWithValues: zip(passRows[0], passRows[1]))
        XCTAssertEqual(pass["zone"], "forehead")
        XCTAssertEqual(pass["depth_mm"], "0.50")
        XCTAssertEqual(pass["pattern"], "horizontal")

        let history = cli("history", "C-7001")
        XCTAssertEqual(history.status, 0, history.err)
        XCTAssertTrue(history.out.contains("History of \(hostile) (chart C-7001)"), history.out)
        XCTAssertTrue(history.out.contains("Forehead 0.50"), history.out)
        let json = cli("history", "smith", "--json")
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        XCTAssertEqual((object["sessions"] as? [Any])?.count, 1)
    }

    func testExportRefusesBadRangesAndFormats() throws {
        let backwards = cli("export", "--from", "2026-11-21", "--to", "2026-11-01")
        XCTAssertNotEqual(backwards.status, 0)
        XCTAssertTrue(backwards.err.contains("is after --to"), backwards.err)
        let xml = cli("export", "--from", "2026-11-01", "--to", "2026-11-21", "--format", "xml")
        XCTAssertEqual(xml.status, 64)
        XCTAssertTrue(xml.err.contains("The value 'xml' is invalid for '--format <format>'"), xml.err)
        XCTAssertTrue(xml.err.contains("csv") && xml.err.contains("fhir"), xml.err)
        let noStore = cli("history", "nobody-at-all")
        XCTAssertEqual(noStore.status, 1)
        XCTAssertTrue(noStore.err.contains("There is no Chairside store at"), noStore.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: store), "a command that only reads never creates a store")
        XCTAssertEqual(cli("demo").status, 0)
        let missing = cli("history", "nobody-at-all")
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.err.contains("No patient matches"), missing.err)
    }
}
