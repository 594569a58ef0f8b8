import ChairsideCore
import ChairsideStore
import Foundation
import XCTest

/// Issue 17 through the real binary: the lot register's commands, their errors, and a recall
/// compared with every journal of the store.
final class LotsEndToEndTests: EndToEndCase {
    var today: ClinicDay { ClinicDay(Date(), timeZone: TimeZone(identifier: "UTC")!) }

    func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func testTheLotCommandsRecordListAndRefuseWithClearErrors() throws {
        XCTAssertEqual(cli("demo").status, 0)
        let soon = today.adding(days: 10).description
        var r = cli("lots", "add", "NB-2611", "--kind", "anaesthetic", "--product", "BLT cream", "--expires", soon)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("Added lot NB-2611: anaesthetic, BLT cream, expires \(soon)."), r.out)

        r = cli("lots", "add", "nb-2611", "--kind", "serum", "--product", "X", "--expires", soon)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("Lot NB-2611 is already in the register (anaesthetic)"), r.err)
        r = cli("lots", "add", "S-1", "--kind", "syringe", "--product", "X", "--expires", soon)
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.err.contains("--kind must be one of: anaesthetic, needle-cartridge"), r.err)
        r = cli("lots", "add", "S-1", "--kind", "serum", "--product", "X", "--expires", "2027-02-30")
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.err.contains("--expires must be a real date"), r.err)
        r = cli("lots", "add", "S-1", "--kind", "serum", "--product", "Serum", "--expires", "2030-02")
        XCTAssertEqual(r.status, 0, r.err)
        r = cli("lots", "open", "S-9")
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("Lot S-9 is not in the register; add it first (lots add)."), r.err)

        let expiring = try json(cli("lots", "list", "--expiring", "--json").out)
        let lots = try XCTUnwrap(expiring["lots"] as? [[String: Any]])
        XCTAssertEqual(lots.map { $0["lot"] as? String }, ["NB-2611"], "S-1 expires 2030-02-28, far off")
        XCTAssertEqual(lots.first?["days_to_expiry"] as? Int, 10)
        let all = try json(cli("lots", "--json").out)
        XCTAssertEqual(
            (all["lots"] as? [[String: Any]])?.compactMap { $0["expires"] as? String }, [soon, "2030-02-28"])

        r = cli("lots", "withdraw", "NB-2611", "--reason", " ")
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("Give the reason"), r.err)
        XCTAssertEqual(cli("lots", "withdraw", "NB-2611", "--reason", "maker's recall 17/2026").status, 0)
        r = cli("lots", "list")
        XCTAssertTrue(r.out.contains("withdrawn: maker's recall 17/2026"), r.out)
        XCTAssertEqual(cli("lots", "list", "--days", "3").status, 64, "--days goes with --expiring")
        XCTAssertEqual(cli("check").status, 0, cli("check").err)
    }

    func testRecallListsEverySessionThatUsedTheLotAsTheJournalsSay() throws {
        XCTAssertEqual(cli("demo").status, 0)
        let reader = try Store(root: store, timeZone: TimeZone(identifier: "UTC")!, today: today, access: .read)
        var expected: Set<String> = []
        for day in reader.allDays() {
            for s in try reader.sessions(on: day) {
                let state = try reader.loadSession(id: s.id)
                if state.events.contains(where: { $0.kind.lotNumbers.contains("NB-2611") }) { expected.insert(s.id) }
            }
        }
        XCTAssertFalse(expected.isEmpty, "the demo's numbing lot")
        let doc = try json(cli("recall", "nb-2611", "--json").out)
        let sessions = try XCTUnwrap(doc["sessions"] as? [[String: Any]])
        XCTAssertEqual(Set(sessions.compactMap { $0["session_id"] as? String }), expected)
        XCTAssertTrue(sessions.allSatisfy { !(($0["chart_number"] as? String) ?? "").isEmpty })

        let csv = cli("recall", "NB-2611", "--csv").out.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        XCTAssertEqual(
            csv.first,
            "date,time,session_id,status,zones,technician,room,chart_number,patient_name,date_of_birth,phone")
        XCTAssertEqual(csv.count, expected.count + 1)
        let table = cli("recall", "NB-2611").out
        XCTAssertTrue(
            table.contains("Recall of lot NB-2611 (not in the lot register): \(expected.count) session"), table)
        XCTAssertTrue(cli("recall", "NOPE-1").out.contains("No session recorded this lot."))
        XCTAssertEqual(cli("recall", " ").status, 64)
        XCTAssertEqual(cli("recall", "X", "--csv", "--json").status, 64)

        // The index is derived: gone, the recall finds nothing until `check` rebuilds it.
        try FileManager.default.removeItem(atPath: store + "/lots/recall")
        XCTAssertTrue(cli("recall", "NB-2611").out.contains("No session recorded this lot."))
        XCTAssertEqual(cli("check").status, 0)
        XCTAssertEqual(
            try json(cli("recall", "NB-2611", "--json").out)["sessions"].map { ($0 as! [Any]).count }, expected.count)
    }

    func testCheckNamesADamagedLineOfTheLotJournal() throws {
        XCTAssertEqual(cli("demo").status, 0)
        for n in 1...3 {
            XCTAssertEqual(
                cli("lots", "add", "L-\(n)", "--kind", "serum", "--product", "Serum", "--expires", "2030-01-01").status,
                0)
        }
        let path = store + "/lots/journal.jsonl"
        let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "L-2", with: "L-Z")
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        let r = cli("check")
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.out.contains("lots/journal.jsonl") || r.err.contains("lots/journal.jsonl"), r.out + r.err)
        XCTAssertTrue(cli("lots", "list").out.contains("L-3"), "the other lines are kept")
    }
}
