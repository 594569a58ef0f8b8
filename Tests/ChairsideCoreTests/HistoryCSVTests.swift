import ChairsideCore
import Foundation
import TestSupport
import XCTest

/// The paper-history CSV: good rows read, bad rows named by line with nothing of them kept.
final class HistoryCSVTests: XCTestCase {
    let today = ClinicDay(string: "2026-11-21")!

    func parse(_ text: String) throws -> (rows: [HistoryRow], problems: [HistoryProblem]) {
        try HistoryCSV.parse(text, proto: Fixture.proto, today: today)
    }

    func testGoodRowsReadWithZonesByIdOrNameAndOneDepthOrOnePerZone() throws {
        let csv = """
            chart_number,name,date_of_birth,date,time,zones,depths,notes,phone
            C-1,Ana Lima,1980-01-02,2026-10-01,14:30,Forehead;cheeks,0.5;1.25,"first session, went well",+1 555 0100
            ,Bo Chen,1975-05-06,2026-09-15,,chin,1,,
            C-3,,,2026-08-01,,neck,,,

            """
        let (rows, problems) = try parse(csv)
        XCTAssertEqual(problems, [])
        XCTAssertEqual(rows.count, 3)
        XCTAssertEqual(rows[0].line, 2)
        XCTAssertEqual(
            rows[0].zones, [PaperZone(zone: "forehead", depth: 0.5), PaperZone(zone: "cheeks", depth: 1.25)])
        XCTAssertEqual(rows[0].notes, "first session, went well")
        XCTAssertEqual(rows[0].phone, "+1 555 0100")
        XCTAssertEqual([rows[0].hour, rows[0].minute], [14, 30])
        XCTAssertEqual(rows[1].chartNumber, "")
        XCTAssertEqual(rows[1].dateOfBirth, ClinicDay(string: "1975-05-06"))
        XCTAssertEqual([rows[1].hour, rows[1].minute], [HistoryCSV.defaultHour, 0])
        XCTAssertEqual(rows[2].zones, [PaperZone(zone: "neck", depth: nil)])
        XCTAssertEqual(rows[2].technician, HistoryCSV.defaultTechnician)
    }

    func testBadRowsAreNamedByTheirLineAndTheOthersStillRead() throws {
        let csv = """
            chart_number,date,zones,depths,notes
            C-1,2026-13-01,forehead,0.5,
            C-2,2026-10-01,elbow,0.5,
            C-3,2026-10-01,forehead;cheeks,0.5;1;1.5,
            C-4,2026-12-01,forehead,0.5,
            ,2026-10-01,forehead,0.5,
            C-6,2026-10-01,forehead,3.5,
            C-7,2026-10-01,,0.5,
            C-8,2026-10-01,forehead,0.5,"a note over
            two lines"
            C-9,2026-10-01,forehead,abc,
            C-10,2026-10-01,forehead,0.5,,extra
            """
        let (rows, problems) = try parse(csv)
        XCTAssertEqual(rows.map(\.chartNumber), ["C-8"])
        XCTAssertEqual(problems.map(\.line), [2, 3, 4, 5, 6, 7, 8, 11, 12])
        XCTAssertEqual(problems[0].description, "line 2: date is not a date; write it as YYYY-MM-DD")
        XCTAssertTrue(problems[1].message.contains("'elbow' is not in the protocol"), problems[1].message)
        XCTAssertEqual(problems[2].message, "3 depths for 2 zones; give one depth, or one per zone in order")
        XCTAssertTrue(problems[3].message.contains("after today"), problems[3].message)
        XCTAssertTrue(problems[4].message.contains("chart number, or the name and date_of_birth"))
        XCTAssertTrue(problems[5].message.contains("beyond the device maximum"), problems[5].message)
        XCTAssertTrue(problems[6].message.contains("no zones"))
        XCTAssertTrue(problems[7].message.contains("'abc' is not a depth"))
        XCTAssertTrue(problems[8].message.contains("more cells than the header"))
        XCTAssertEqual(rows[0].notes, "a note over\ntwo lines")
    }

    func testSemicolonSeparatedFilesFromSpreadsheetsAndAByteOrderMarkRead() throws {
        let csv = "\u{FEFF}chart_number;date;zones;depths\r\nC-1;2026-10-01;forehead;0,5\r\n"
        let (rows, problems) = try parse(csv)
        XCTAssertEqual(problems, [])
        XCTAssertEqual(rows.first?.zones, [PaperZone(zone: "forehead", depth: 0.5)])
    }

    func testAHeaderWithoutWhoOrWhenOrWithUnknownColumnsIsRefusedWhole() {
        XCTAssertThrowsError(try parse("name,date,zones\nA,2026-10-01,chin\n")) {
            XCTAssertEqual($0 as? HistoryCSV.FileError, .missingColumns(["chart_number (or name and date_of_birth)"]))
        }
        XCTAssertThrowsError(try parse("chart_number,zones\nC-1,chin\n")) {
            XCTAssertEqual($0 as? HistoryCSV.FileError, .missingColumns(["date"]))
        }
        XCTAssertThrowsError(try parse("chart_number,date,zones,shoe_size\n")) {
            XCTAssertEqual($0 as? HistoryCSV.FileError, .unknownColumns(["shoe_size"]))
        }
        XCTAssertThrowsError(try parse("chart_number,date,zones,notes\nC-1,2026-10-01,chin,\"open\n")) {
            XCTAssertEqual($0 as? HistoryCSV.FileError, .unterminatedQuote(line: 2))
        }
        XCTAssertThrowsError(try parse("")) { XCTAssertEqual($0 as? HistoryCSV.FileError, .empty) }
    }

    func testAnImportedSessionIsCompletedAtItsRealTimeWithItsZonesAndNotes() throws {
        let (rows, _) = try parse("chart_number,date,time,zones,depths,notes\nC-1,2026-10-01,10:15,chin,1.5,ok\n")
        let at = HistoryCSV.startTime(rows[0], timeZone: Fixture.utc)
        let events = HistoryCSV.events(
            rows[0], patient: Fixture.patient(), at: at, room: "paper", source: "f.csv line 2")
        let state = events.reduce(SessionState(id: "20261001-101500-0001")) { $0.evolve($1) }
        XCTAssertEqual(state.status, .completed)
        XCTAssertEqual(state.start?.at, Timestamp.parse("2026-10-01T10:15:00.000Z"))
        let summary = try XCTUnwrap(SessionSummary(state: state, journalBytes: 0))
        XCTAssertEqual(summary.zoneDepths, [ZoneDepths(zone: "chin", min: 1.5, max: 1.5, passes: 0)])
        XCTAssertEqual(
            EventDescription.line(events[1].kind, proto: Fixture.proto),
            "From paper records (f.csv line 2): Chin 1.50 mm")
        XCTAssertEqual(state.events.filter { $0.kind == .note(text: "ok") }.count, 1)
    }

    /// Zones listed on a paper row without depths were treated: they count in the export's
    /// treated zones and the history's cells, with the depth unknown (never a made-up 0).
    func testPaperZonesWithoutDepthsAreTreatedZonesWithUnknownDepth() throws {
        let (rows, _) = try parse("chart_number,date,zones\nC-1,2026-10-01,forehead;cheeks\n")
        let at = HistoryCSV.startTime(rows[0], timeZone: Fixture.utc)
        let events = HistoryCSV.events(rows[0], patient: Fixture.patient(), at: at, room: "paper", source: "f.csv")
        let state = events.reduce(SessionState(id: "20261001-090000-0001")) { $0.evolve($1) }
        let summary = try XCTUnwrap(SessionSummary(state: state, journalBytes: 0))
        XCTAssertEqual(summary.zoneDepths.map(\.zone), ["forehead", "cheeks"])
        XCTAssertEqual(summary.zoneDepths.map(\.range), ["treated", "treated"])
        XCTAssertNil(summary.deepest)
        let row = SessionExport.sessionRow(
            summary, chartNumber: "C-1", dayAnchor: "", timeZone: Fixture.utc, now: Fixture.t0)
        let column = { (name: String) in row[SessionExport.sessionColumns.firstIndex(of: name)!] }
        XCTAssertEqual(column("treated_zones"), "forehead;cheeks")
        XCTAssertEqual(column("max_depth_mm"), "")
        // The summary round-trips through the day index with the mark; a zone with a depth has none.
        let decoded = try JSONCoding.decoder().decode(
            SessionSummary.self, from: JSONCoding.encoder().encode(summary))
        XCTAssertEqual(decoded.zoneDepths, summary.zoneDepths)
        XCTAssertFalse(
            String(
                decoding: try JSONCoding.encoder().encode(ZoneDepths.of(paper: [PaperZone(zone: "chin", depth: 1)])),
                as: UTF8.self
            ).contains("depthUnknown"))
    }

    /// A row short of cells (a comma lost in the spreadsheet) says so beside what broke.
    func testARowWithTooFewCellsSaysSo() throws {
        let (rows, problems) = try parse("chart_number,date,zones,depths\nC-1,2026-10-01\n")
        XCTAssertEqual(rows, [])
        XCTAssertEqual(problems.count, 1)
        XCTAssertTrue(
            problems[0].message.hasSuffix("(the line has 2 cells where the header names 4; check the commas)"),
            problems[0].message)
    }
}
