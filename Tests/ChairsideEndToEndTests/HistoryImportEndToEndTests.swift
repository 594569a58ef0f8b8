import ChairsideCore
import Foundation
import XCTest

/// Paper history, the due list and the series choice through the real binary: the CSV in, the
/// records read back with `show` and `history --json` (checked against the published schema).
final class HistoryImportEndToEndTests: EndToEndCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    let utc = TimeZone(identifier: "UTC")!
    var today: ClinicDay { ClinicDay(Date(), timeZone: utc) }

    func write(_ text: String, _ name: String) throws -> String {
        let path = dir + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    /// Validates against docs/schema when jsonschema is installed (.ci/run installs it).
    func validateJSON(_ text: String, kind: String, file: StaticString = #filePath, line: UInt = #line) throws {
        guard Tmux.run(["python3", "-c", "import jsonschema"]).status == 0 else {
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("pip install jsonschema (see README)") }
            return
        }
        let path = try write(text, "doc-\(UUID().uuidString).json")
        let r = Tmux.run([
            "python3", Self.repository + "/Tests/Scripts/validate_json.py",
            Self.repository + "/docs/schema/chairside.schema.json", path, kind,
        ])
        XCTAssertEqual(r.status, 0, "\(kind) does not follow the schema:\n\(r.err)", file: file, line: line)
    }

    func paperFile() throws -> String {
        let d = { (n: Int) in self.today.adding(days: -n).description }
        return try write(
            """
            chart_number,name,date_of_birth,date,time,zones,depths,notes,phone
            C-1,Ana Lima,1980-01-02,\(d(40)),10:00,cheeks;chin,1.0;1.5,"tolerated well, some redness",555 0100
            C-1,Ana Lima,1980-01-02,\(d(10)),10:00,cheeks,1.0,,
            C-1,Ana Lima,1980-01-02,\(d(10)),11:00,chin,1.0,,
            ,Bo Chen,1975-05-06,\(d(60)),,forehead,0.5,,
            C-3,Cy Diaz,,\(d(5)),,elbow,1.0,,
            C-4,Di Eve,,2099-01-01,,chin,1.0,,

            """, "paper.csv")
    }

    func testADryRunListsWhatItWouldDoAndWritesNothing() throws {
        let file = try paperFile()
        let r = cli("import-history", file, "--dry-run")
        XCTAssertEqual(r.status, 1, "bad rows make the run fail: \(r.out)")
        XCTAssertTrue(
            r.out.contains(
                "line 2: would record the session of \(today.adding(days: -40)) for chart C-1 (new patient)"), r.out)
        XCTAssertTrue(
            r.out.contains("line 3: would record the session of \(today.adding(days: -10)) for chart C-1\n"), r.out)
        XCTAssertEqual(r.out.components(separatedBy: "(new patient)").count, 3, "C-1 and Bo, once each: \(r.out)")
        XCTAssertTrue(r.out.contains("line 4: skipped, chart C-1 already has a session on"), r.out)
        XCTAssertTrue(r.out.contains("(line 3 of this file)"), r.out)
        XCTAssertTrue(r.out.contains("Would record 3 sessions; 1 duplicate skipped; 2 bad rows."), r.out)
        XCTAssertTrue(r.err.contains("error: line 6: zone 'elbow' is not in the protocol"), r.err)
        XCTAssertTrue(r.err.contains("error: line 7: the date 2099-01-01 is after today"), r.err)
        XCTAssertFalse(r.err.contains("Ana") || r.err.contains("Cy Diaz"), "no names in errors: \(r.err)")
        XCTAssertTrue(r.err.contains("run the import without --dry-run; nothing was written"), r.err)
        XCTAssertFalse(r.err.contains("already recorded"), r.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: store), "a dry run creates no store")
        let folder = cli("import-history", (file as NSString).deletingLastPathComponent)
        XCTAssertEqual(folder.status, 1)
        XCTAssertTrue(folder.err.contains("is a folder: give the CSV file itself"), folder.err)
    }

    func testImportRecordsGoodRowsAsLateEntriesSkipsDuplicatesAndIsIdempotent() throws {
        let file = try paperFile()
        let first = cli("import-history", file)
        XCTAssertEqual(first.status, 1, first.out)
        XCTAssertTrue(first.out.contains("Recorded 3 sessions; 1 duplicate skipped; 2 bad rows."), first.out)

        let history = cli("history", "C-1", "--json")
        XCTAssertEqual(history.status, 0, history.err)
        try validateJSON(history.out, kind: "patient_history")
        let rows = try XCTUnwrap(try json(history.out)["sessions"] as? [[String: Any]])
        XCTAssertEqual(rows.count, 2)
        XCTAssertEqual(rows.map { $0["series_number"] as? Int }, [1, 2], "the series counts the paper sessions")
        XCTAssertEqual(rows.last?["interval_days"] as? Int, 30)
        let session = try XCTUnwrap(rows.first?["session"] as? [String: Any])
        XCTAssertEqual(session["late_entry"] as? Bool, true)
        XCTAssertEqual(session["status"] as? String, "completed")
        XCTAssertEqual(session["started_at"] as? String, "\(today.adding(days: -40))T10:00:00.000Z")
        let id = try XCTUnwrap(session["session_id"] as? String)

        let show = cli("show", id)
        XCTAssertEqual(show.status, 0, show.err)
        XCTAssertTrue(show.out.contains("Charted after the fact: late entry, written \(today)"), show.out)
        XCTAssertTrue(
            show.out.contains("From paper records (paper.csv line 2): Cheeks 1.00 mm, Chin 1.50 mm"), show.out)
        XCTAssertTrue(show.out.contains("Note: tolerated well, some redness [late entry, written"), show.out)
        let showJSON = cli("show", id, "--json")
        try validateJSON(showJSON.out, kind: "session")
        let events = try XCTUnwrap(try json(showJSON.out)["events"] as? [[String: Any]])
        XCTAssertEqual(events.map { $0["late_entry"] as? Bool }, Array(repeating: true, count: events.count))
        XCTAssertTrue(events.allSatisfy { ($0["recorded_at"] as? String)?.hasPrefix(today.description) == true })

        let again = cli("import-history", file)
        XCTAssertTrue(again.out.contains("Recorded 0 sessions; 4 duplicates skipped; 2 bad rows."), again.out)
        XCTAssertEqual(try json(cli("history", "C-1", "--json").out)["sessions"].map { ($0 as? [Any])?.count }, 2)
    }

    func testTheDueListNamesWhomToCallAndASeriesStopTakesThemOff() throws {
        let file = try write(
            "chart_number,name,date,zones,phone\nC-1,Ana Lima,\(today.adding(days: -35)),cheeks,555 0100\n"
                + "C-2,Bo Chen,\(today.adding(days: -3)),chin,\n", "due.csv")
        XCTAssertEqual(cli("import-history", file).status, 0)
        let due = cli("due")
        XCTAssertEqual(due.status, 0, due.err)
        XCTAssertTrue(due.out.contains("Ana Lima"), due.out)
        XCTAssertTrue(due.out.contains("555 0100"), due.out)
        XCTAssertFalse(due.out.contains("Bo Chen"), "Bo's window opens in 25 days: \(due.out)")
        let csv = cli("due", "--csv")
        XCTAssertTrue(csv.out.hasPrefix(DueList.csvColumns.joined(separator: ",") + "\r\n"), csv.out)
        XCTAssertTrue(
            csv.out.contains(
                "C-1,Ana Lima,555 0100,\(today.adding(days: -35)),1/6,series,\(today.adding(days: -7)),"
                    + "\(today.adding(days: 7)),due,0\r\n"), csv.out)
        let json = cli("due", "--json")
        try validateJSON(json.out, kind: "due_list")
        XCTAssertEqual(cli("due", "--overdue").out.contains("Ana Lima"), false)
        XCTAssertTrue(cli("due", "--week", "--overdue").err.contains("Choose --week or --overdue"))

        let stop = cli("series", "stop", "C-1", "--reason", "moved away")
        XCTAssertEqual(stop.status, 0, stop.err)
        XCTAssertTrue(cli("due").out.contains("Nobody to call."))
    }

    /// The acceptance case on the real binary: a session imported for 10 days ago, then the console
    /// starts one today and shows the interval warning.
    func testAConsoleSessionTheDayAfterAnImportWarnsOfTheInterval() throws {
        let file = try write(
            "chart_number,name,date,time,zones\nC-7001,Ana Lima,\(today.adding(days: -10)),00:00,forehead\n", "one.csv")
        XCTAssertEqual(cli("import-history", file).status, 0)
        tmux.start(consoleLine())
        tmux.waitFor("n new session")
        tmux.send("n")
        tmux.waitFor("Patient:")
        tmux.type("C-7001")
        tmux.waitFor("Ana Lima")
        tmux.send("Enter")
        tmux.waitFor("Start session")
        tmux.send("Tab", "Tab", "Space", "Enter")
        tmux.waitFor("Last session was 10 days ago")
    }
}
