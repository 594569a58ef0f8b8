import Foundation
import XCTest

/// Issue 14's second round, through the real binary: what a new user did to a store with `head`,
/// `truncate` and `cat >>`, and what `check`, `today` and `show` must say about it.
final class AcknowledgedDamageEndToEndTests: EndToEndCase {
    var day: String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let c = cal.dateComponents([.year, .month, .day], from: Date())
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    /// A demo store checked clean once (so the verification cache knows it); today's completed session.
    func checkedDemo() throws -> (id: String, path: String) {
        XCTAssertEqual(cli("demo").status, 0)
        let first = cli("check")
        XCTAssertEqual(first.status, 0, first.out + first.err)
        let listed = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(cli("today", "--json").out.utf8)) as? [String: Any])
        let list = try XCTUnwrap(listed["sessions"] as? [[String: Any]])
        let done = try XCTUnwrap(list.first { $0["status"] as? String == "completed" })
        let id = try XCTUnwrap(done["session_id"] as? String)
        return (id, "\(store)/days/\(day)/\(id).jsonl")
    }

    func lines(_ path: String) throws -> [Data] {
        try Data(contentsOf: URL(fileURLWithPath: path)).split(separator: 0x0A).map { Data($0) + [0x0A] }
    }

    func testLinesDeletedFromTheEndOfAJournalAreDamageThatStaysReportedUntilAccepted() throws {
        let (id, path) = try checkedDemo()
        let all = try lines(path)
        XCTAssertGreaterThan(all.count, 8)
        // `head -n 5 journal > j; mv j journal`
        try all.prefix(5).reduce(Data(), +).write(to: URL(fileURLWithPath: path))
        let rel = "days/\(day)/\(id).jsonl"
        for round in 1...2 {
            let check = cli("check")
            XCTAssertEqual(check.status, 1, "round \(round): \(check.out)")
            XCTAssertTrue(check.out.contains("\(rel): events after #5 are missing"), "round \(round): \(check.out)")
            XCTAssertTrue(check.out.contains("no longer matches the day's anchor"), "round \(round): \(check.out)")
            XCTAssertFalse(check.out.contains("No damage"), check.out)
        }
        XCTAssertEqual(try lines(path).count, 5, "what remains is kept")
        let accepted = cli("check", "--accept", day)
        XCTAssertEqual(accepted.status, 0, accepted.out + accepted.err)
        XCTAssertTrue(accepted.out.contains("Accepted 2 standing findings for \(day)"), accepted.out)
        let record = try String(contentsOfFile: store + "/standing-findings.json", encoding: .utf8)
        XCTAssertTrue(record.contains("acceptedAt"), record)
        XCTAssertEqual(cli("check").status, 0)
        XCTAssertEqual(cli("check", "--accept", "yesterday").status, 64)
    }

    func testAJournalCutMidLineIsAcknowledgedLinesMissingNotATornTail() throws {
        let (id, path) = try checkedDemo()
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count - 40).write(to: URL(fileURLWithPath: path))
        let check = cli("check")
        XCTAssertEqual(check.status, 1, check.out)
        XCTAssertTrue(check.out.contains("days/\(day)/\(id).jsonl: events after #"), check.out)
        XCTAssertFalse(check.out.contains("never acknowledged"), check.out)
        XCTAssertTrue(check.out.contains("original kept in quarantine/"), check.out)
        XCTAssertEqual(cli("check").status, 1, "still reported")
    }

    /// Issue 14, fifth round: no earlier `check` recorded any length; the acknowledgement marks did.
    func testWithoutAnEarlierCheckLinesDeletedFromThePatientAndLotJournalsAreDamage() throws {
        XCTAssertEqual(cli("demo").status, 0)
        XCTAssertEqual(
            cli("lots", "add", "NB-1", "--kind", "anaesthetic", "--product", "Cream", "--expires", "2030-01").status, 0)
        XCTAssertEqual(cli("lots", "withdraw", "NB-1", "--reason", "maker's recall").status, 0)
        let patients = store + "/patients/journal.jsonl"
        let lots = store + "/lots/journal.jsonl"
        let people = try lines(patients)
        try people.dropLast().reduce(Data(), +).write(to: URL(fileURLWithPath: patients))
        try (try lines(lots)).dropLast().reduce(Data(), +).write(to: URL(fileURLWithPath: lots))
        let check = cli("check")
        XCTAssertEqual(check.status, 1, check.out)
        XCTAssertTrue(
            check.out.contains("patients/journal.jsonl: patient records after #\(people.count - 1) are missing"),
            check.out)
        XCTAssertTrue(check.out.contains("lots/journal.jsonl: lot records after #1 are missing"), check.out)
        XCTAssertEqual(cli("check").status, 1, "still reported")
        XCTAssertEqual(cli("check", "--accept", "patients").status, 1, "the lots' finding still stands")
        XCTAssertEqual(cli("check", "--accept", "lots").status, 0)
        XCTAssertEqual(cli("check").status, 0)
    }

    func testALineDeletedFromInsideAJournalIsNamedByItsNumberNotAsALostEnd() throws {
        let (id, path) = try checkedDemo()
        var all = try lines(path)
        all.remove(at: 5)
        try all.reduce(Data(), +).write(to: URL(fileURLWithPath: path))
        let rel = "days/\(day)/\(id).jsonl"
        let check = cli("check")
        XCTAssertEqual(check.status, 1, check.out)
        XCTAssertTrue(check.out.contains("\(rel): the journal is"), check.out)
        XCTAssertTrue(check.out.contains("event #6 was deleted from inside it"), check.out)
        XCTAssertTrue(check.out.contains("the hash chain breaks at event #7"), check.out)
        XCTAssertFalse(check.out.contains("events after #"), check.out)
        let show = cli("show", id)
        XCTAssertEqual(show.status, 0, show.err)
        XCTAssertFalse(show.out.contains("end unreadable"), show.out)
    }

    func testThePatientJournalsLastLineDeletedIsDamage() throws {
        _ = try checkedDemo()
        let path = store + "/patients/journal.jsonl"
        let all = try lines(path)
        try all.dropLast().reduce(Data(), +).write(to: URL(fileURLWithPath: path))
        let check = cli("check")
        XCTAssertEqual(check.status, 1, check.out)
        XCTAssertTrue(
            check.out.contains("patients/journal.jsonl: patient records after #\(all.count - 1) are missing"), check.out
        )
        XCTAssertEqual(cli("check").status, 1, "still reported")
        XCTAssertEqual(cli("check", "--accept", "patients").status, 0)
    }

    func testALostFinalNewlineKeepsTheLastEventAndWritesTheNewlineBack() throws {
        let (id, path) = try checkedDemo()
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let events = try eventCount(id)
        // `truncate -s -1`
        try original.dropLast().write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(try eventCount(id), events, "a reader keeps the last event")
        let check = cli("check")
        XCTAssertEqual(check.status, 1, check.out)
        XCTAssertTrue(check.out.contains("had lost its final newline; the newline was written back"), check.out)
        XCTAssertFalse(check.out.contains("cut off"), check.out)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), original)
        XCTAssertEqual(cli("check").status, 0)
    }

    func testJunkOverTheSizeCapAppendedToAJournalHidesNoIntactLine() throws {
        let (id, path) = try checkedDemo()
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let events = try eventCount(id)
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        var junk = Data(repeating: 0x78, count: 17 * 1_048_576)
        junk[5_000_000] = 0x0A
        try handle.write(contentsOf: junk)
        try handle.close()
        XCTAssertEqual(try eventCount(id), events, "show reads the intact lines before the junk")
        let today = cli("today")
        XCTAssertEqual(today.status, 0, today.err)
        XCTAssertTrue(today.out.contains(id), today.out)
        XCTAssertTrue(today.err.contains("over the 16 MiB a journal may hold"), today.err)
        let check = cli("check")
        XCTAssertEqual(check.status, 1, check.out)
        XCTAssertFalse(check.out.contains("\(id).jsonl: larger than"), "not moved aside whole: \(check.out)")
        XCTAssertTrue(check.out.contains("original kept in quarantine/"), check.out)
        let kept = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertTrue(kept.starts(with: original), "every intact line is still in place")
        XCTAssertEqual(try eventCount(id), events)
        let copies = try FileManager.default.contentsOfDirectory(atPath: store + "/quarantine").filter {
            $0.hasSuffix(".tail")
        }
        let copy = try Data(contentsOf: URL(fileURLWithPath: store + "/quarantine/" + XCTUnwrap(copies.first)))
        XCTAssertEqual(copy.count + kept.count, original.count + junk.count, "the junk is kept whole in quarantine")
    }

    func testASameSizeByteFlipIsFlaggedOnTodayWithoutOpeningTheSession() throws {
        let (id, path) = try checkedDemo()
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        let second = try XCTUnwrap(data.firstIndex(of: 0x0A)) + 30
        data[second] ^= 0x04
        try data.write(to: URL(fileURLWithPath: path))
        let today = cli("today")
        XCTAssertTrue(today.out.contains("! \(id): 1 unreadable line"), today.out)
        let json = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(cli("today", "--json").out.utf8)) as? [String: Any])
        let entry = try XCTUnwrap((json["sessions"] as? [[String: Any]])?.first { $0["session_id"] as? String == id })
        XCTAssertEqual(entry["unreadable_lines"] as? Int, 1)
    }

    func testShowPutsAnUnreadableEventInItsPlaceAndEveryExportCarriesTheGap() throws {
        let (id, path) = try checkedDemo()
        var all = try lines(path)
        all[5][all[5].count / 2] ^= 0x04
        try all.reduce(Data(), +).write(to: URL(fileURLWithPath: path))
        let show = cli("show", id)
        let timeline = show.out.split(separator: "\n").map(String.init)
        let gap = try XCTUnwrap(timeline.firstIndex { $0.contains("event #6 unreadable") }, show.out)
        XCTAssertTrue(timeline[gap - 1].contains(" #5 "), show.out)
        XCTAssertTrue(timeline[gap + 1].contains(" #7 "), show.out)

        let record = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(cli("show", id, "--json").out.utf8)) as? [String: Any])
        let unreadable = try XCTUnwrap(record["unreadable"] as? [[String: Any]])
        XCTAssertEqual(unreadable.first?["first_seq"] as? Int, 6)
        XCTAssertEqual(unreadable.first?["file"] as? String, "days/\(day)/\(id).jsonl")
        XCTAssertEqual((record["session"] as? [String: Any])?["unreadable_lines"] as? Int, 1)

        let csv = cli("export", "--from", day, "--to", day)
        XCTAssertEqual(csv.status, 0, csv.err)
        let rows = csv.out.split(whereSeparator: \.isNewline).map(String.init)
        // Found by its header, so later columns never move the check.
        let header = rows.first?.split(separator: ",", omittingEmptySubsequences: false).map(String.init) ?? []
        let column = try XCTUnwrap(header.firstIndex(of: "unreadable_lines"), rows.first ?? "")
        let row = try XCTUnwrap(rows.first { $0.hasPrefix(id + ",") }, csv.out)
        let cells = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(cells.count, header.count, row)
        XCTAssertEqual(cells[column], "1", row)

        let fhir = cli("export", "--format", "fhir", "--from", day, "--to", day)
        XCTAssertEqual(fhir.status, 0, fhir.err)
        XCTAssertTrue(fhir.out.contains("Record incomplete: event #6 unreadable"), fhir.out)
    }

    func testGlobalOptionsBeforeTheCommandWork() throws {
        XCTAssertEqual(cli("demo").status, 0)
        let other = Tmux.run(
            [Tmux.binary, "--store", store, "today", "--json"], environment: ["TZ": "UTC", "LANG": "C.UTF-8"])
        XCTAssertEqual(other.status, 0, other.err)
        XCTAssertTrue(other.out.contains("\"kind\":\"day\"") || other.out.contains("\"kind\" : \"day\""), other.out)
        let equals = Tmux.run([Tmux.binary, "--store=\(store)", "check"], environment: ["TZ": "UTC"])
        XCTAssertTrue(equals.out.contains("Checked \(store)"), equals.out + equals.err)
        // Before a command with its own subcommands (`lots add`): the options still reach the subcommand.
        let config = dir + "/nested.toml"
        XCTAssertTrue(FileManager.default.createFile(atPath: config, contents: Data()))
        let nested = Tmux.run(
            [
                Tmux.binary, "--store", store, "--config", config, "lots", "add", "L-1", "--kind", "other",
                "--product", "Gauze", "--expires", "2030-01-31",
            ], environment: ["TZ": "UTC"])
        XCTAssertEqual(nested.status, 0, nested.out + nested.err)
        XCTAssertTrue(nested.out.contains("Added lot L-1"), nested.out)
        let listed = Tmux.run([Tmux.binary, "--store=\(store)", "lots", "list"], environment: ["TZ": "UTC"])
        XCTAssertTrue(listed.out.contains("L-1"), listed.out + listed.err)
    }

    func testAFolderHoldingOnlyPatientsIsNotAStore() throws {
        try FileManager.default.createDirectory(atPath: store + "/patients", withIntermediateDirectories: true)
        for args in [["today"], ["check"], ["demo"]] {
            let r = cli(args)
            XCTAssertNotEqual(r.status, 0, "\(args)")
            XCTAssertTrue(r.err.contains("is not a Chairside store"), "\(args): \(r.err)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: store), ["patients"])
    }

    func testAFIFOMovedAsideByCheckGetsAQuarantineReport() throws {
        XCTAssertEqual(cli("demo").status, 0)
        let fifo = "\(store)/days/\(day)/\(day.replacingOccurrences(of: "-", with: ""))-235959-f1f0.jsonl"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let check = cli("check")
        XCTAssertEqual(check.status, 1)
        let line = try XCTUnwrap(check.out.split(separator: "\n").first { $0.contains("what to do: quarantine/") })
        let name = try XCTUnwrap(line.components(separatedBy: "what to do: ").last)
        let report = try String(contentsOfFile: store + "/" + name, encoding: .utf8)
        for word in ["What:  a FIFO", "Where: it was at days/\(day)/", "When:", "Why:", "To do:"] {
            XCTAssertTrue(report.contains(word), report)
        }
    }
}
