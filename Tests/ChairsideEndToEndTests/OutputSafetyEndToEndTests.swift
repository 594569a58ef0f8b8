import Foundation
import XCTest

/// What a script relies on: an output that could not be written is a failure, and a named output
/// file never replaces what is already there.
final class OutputSafetyEndToEndTests: EndToEndCase {
    func testAFullDiskBehindStandardOutputIsAnError() {
        XCTAssertEqual(cli("demo").status, 0)
        let vars = env.map { "\($0.key)='\($0.value)'" }.sorted().joined(separator: " ")
        for command in ["today --json", "export --from 2026-01-01 --to 2026-12-31 --format csv"] {
            let r = Tmux.run(["sh", "-c", "env \(vars) '\(Tmux.binary)' \(command) > /dev/full"])
            XCTAssertEqual(r.status, 1, command)
            XCTAssertTrue(r.err.contains("the output could not be written"), r.err)
        }
    }

    func testANamedOutputNeverReplacesAFileOrADevice() throws {
        XCTAssertEqual(cli("demo").status, 0)
        let existing = dir + "/mine.csv"
        try "keep me".write(toFile: existing, atomically: true, encoding: .utf8)
        let fifo = dir + "/pipe"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        for target in [existing, fifo] {
            let r = cli("export", "--from", "2026-01-01", "--to", "2026-12-31", "--format", "csv", "--output", target)
            XCTAssertEqual(r.status, 1, target)
            XCTAssertTrue(r.err.contains("already exists"), r.err)
        }
        XCTAssertEqual(try String(contentsOfFile: existing, encoding: .utf8), "keep me")
        var info = stat()
        XCTAssertEqual(lstat(fifo, &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFIFO, "the pipe is still a pipe")
        let fresh = dir + "/new.csv"
        XCTAssertEqual(
            cli("export", "--from", "2026-01-01", "--to", "2026-12-31", "--format", "csv", "--output", fresh).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: fresh))
    }
}

final class ExportAnchorEndToEndTests: EndToEndCase {
    func testTheCSVCarriesEachDaysAnchorAsTheAnchorCommandPrintsIt() throws {
        XCTAssertEqual(cli("demo").status, 0)
        let today = ClinicDayText.today()
        let anchor = cli("anchor", "--date", today, "--json")
        XCTAssertEqual(anchor.status, 0, anchor.err)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(anchor.out.utf8)) as? [String: Any])
        let root = try XCTUnwrap(object["root"] as? String ?? object["anchor"] as? String, anchor.out)
        let csv = cli("export", "--from", today, "--to", today, "--format", "csv")
        let lines = csv.out.split(separator: "\r\n").map(String.init)
        // Found by its header, so later columns never move the check (the demo's names hold no comma).
        let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false).map(String.init) ?? []
        let column = try XCTUnwrap(header.firstIndex(of: "day_anchor"), lines.first ?? "")
        XCTAssertGreaterThan(lines.count, 1)
        for row in lines.dropFirst() {
            let cells = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            XCTAssertEqual(cells.count, header.count, row)
            XCTAssertEqual(cells[column], root, row)
        }
    }
}

enum ClinicDayText {
    static func today() -> String {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: Date())
    }
}
