import ChairsideCore
import Foundation
import TestSupport
import XCTest

@testable import ChairsideStore

/// Mutated store files (issue 6, point 4): each mutation of a real store (made by the probe's
/// scripted session) is opened by a separate process, which reads every day and session and runs
/// `check`. Each must end in a clear message or a repair (cut, rebuilt, quarantined) — never a
/// crash, never a hang.
final class MutatedStoreTests: XCTestCase {
    var dir: String!
    var pristine: String { dir + "/pristine" }
    var journal: String { "days/\(Probe.today)/\(Probe.sessionID).jsonl" }
    /// The shard holding the probe patient's session references.
    var shard: String {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: pristine + "/patients/refs")) ?? []
        return "patients/refs/" + (names.filter { $0.hasSuffix(".json") }.sorted().first ?? "00.json")
    }
    var files: [String] {
        [journal, "days/\(Probe.today)/index.json", "patients/journal.jsonl", "patients/directory.bin", shard]
    }

    override func setUpWithError() throws {
        dir =
            FileManager.default.temporaryDirectory.appendingPathComponent("chairside-mutate-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        XCTAssertEqual(Probe.run("session", pristine).status, 0)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    struct Outcome { var cases = 0, repaired = 0, refused = 0, unchanged = 0, slowest = 0.0, slowestCase = "" }
    var outcome = Outcome()
    var unchanged: [String] = []

    /// Copies the store, lets `mutate` change one file, opens it in a fresh process, and checks the ending.
    func attempt(_ name: String, _ file: String, file line: UInt = #line, _ mutate: (inout Data) throws -> Void) throws
    {
        let root = "\(dir!)/case-\(outcome.cases)"
        try FileManager.default.copyItem(atPath: pristine, toPath: root)
        defer { try? FileManager.default.removeItem(atPath: root) }
        var data = try Data(contentsOf: URL(fileURLWithPath: root + "/" + file))
        try mutate(&data)
        try data.write(to: URL(fileURLWithPath: root + "/" + file))
        outcome.cases += 1
        let run = Probe.run("open", root, timeout: 60, line: line)
        if run.seconds > outcome.slowest {
            outcome.slowest = run.seconds
            outcome.slowestCase = "\(name) in \(file)"
        }
        let what = "\(name) in \(file): \(run.lines.suffix(4).joined(separator: " / "))"
        XCTAssertFalse(run.signalled, "crashed (signal \(run.status)): " + what, line: line)
        switch run.status {
        case 0:
            if run.lines.contains(where: { $0.hasPrefix("finding ") }) {
                outcome.repaired += 1
            } else {
                outcome.unchanged += 1
                unchanged.append("\(name) in \(file)")
            }
            XCTAssertTrue(run.lines.contains { $0.hasPrefix("opened ") }, what, line: line)
        case 3:
            // Refused with the store's own message: it names a file in the store and says what to do.
            outcome.refused += 1
            let message = run.lines.last { $0.hasPrefix("error ") } ?? ""
            XCTAssertTrue(
                message.contains("chairside check") || message.contains("try again") || message.contains("store"), what,
                line: line)
        default:
            XCTFail("unexpected exit \(run.status): " + what, line: line)
        }
    }

    /// A line the store will accept as intact (right sequence, right checksum) around any payload.
    func line(_ seq: Int, _ payload: String) -> Data {
        JournalLine.encode(seq: seq, payload: Data(payload.utf8), prev: nil)
    }

    func journalLines(_ data: Data) -> [Data] { data.split(separator: UInt8(ascii: "\n")).map { Data($0) } }

    func testEveryMutationEndsInAClearErrorOrARepair() throws {
        var rng = SplitMix64(seed: 6)
        // Truncation: at many offsets of every file.
        for file in files {
            let size = try Data(contentsOf: URL(fileURLWithPath: pristine + "/" + file)).count
            for k in 0..<12 { try attempt("truncated at \(size * k / 12)", file) { $0 = $0.prefix(size * k / 12) } }
        }
        // Bit flips: single bits anywhere.
        for _ in 0..<60 {
            let file = files[Int(rng.next() % UInt64(files.count))]
            try attempt("bit flip", file) { data in
                let i = Int(rng.next() % UInt64(data.count))
                data[i] ^= UInt8(1 << (rng.next() % 8))
            }
        }
        // Huge numbers, with checksums that pass, so the JSON reader meets them.
        try attempt("huge sequence number", journal) {
            $0 =
                journalLines($0).prefix(4).reduce(Data()) { $0 + $1 + [10] }
                + Data(#"{"seq":99999999999999999999999999,"crc":"00000000","event":{}}"#.utf8) + [10]
        }
        for huge in ["1e400", "-1e400", "18446744073709551616", "99999999999999999999999999999999999999"] {
            try attempt("huge number \(huge) in an event", journal) { data in
                data = journalLines(data).prefix(4).reduce(Data()) { $0 + $1 + [10] }
                data += line(
                    5,
                    #"{"at":"2026-11-21T09:30:00.000Z","by":"A","kind":{"prpPrepared":{"volumeML":\#(huge)}},"seq":5}"#)
            }
            try attempt("huge number \(huge) in the day index", "days/\(Probe.today)/index.json") { data in
                data = Data(
                    String(decoding: data, as: UTF8.self).replacingOccurrences(
                        of: #""journalBytes":"#, with: #""journalBytes":\#(huge),"x":"#
                    ).utf8)
            }
            try attempt("huge number \(huge) in the session references", shard) { data in
                // The references hold no number: the huge one stands where a session ID belongs.
                data = Data(
                    String(decoding: data, as: UTF8.self).replacingOccurrences(
                        of: #""sessionID":"#, with: #""sessionID":\#(huge),"was":"#
                    ).utf8)
            }
        }
        // Deep nesting.
        let deep = String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000)
        try attempt("deep nesting in an event", journal) { $0 += line(journalLines($0).count + 1, deep) }
        try attempt("deep nesting in an event's field", journal) {
            $0 += line(
                journalLines($0).count + 1,
                #"{"at":"2026-11-21T09:30:00.000Z","by":\#(deep),"seq":\#(journalLines($0).count + 1)}"#)
        }
        for file in files where file.hasSuffix("index.json") || file == shard {
            try attempt("deep nesting", file) { $0 = Data(deep.utf8) }
        }
        try attempt("deep nesting in a patient", "patients/journal.jsonl") {
            $0 += line(journalLines($0).count + 1, deep)
        }
        // Invalid UTF-8.
        try attempt("invalid UTF-8 in an event", journal) { data in
            var bad = Data(#"{"at":"2026-11-21T09:30:00.000Z","by":"A"#.utf8)
            bad += [0xFF, 0xFE, 0xC3]
            bad += Data(#"","kind":{"note":{"text":"x"}},"seq":\#(journalLines(data).count + 1)}"#.utf8)
            data += JournalLine.encode(seq: journalLines(data).count + 1, payload: bad, prev: nil)
        }
        for file in files { try attempt("invalid UTF-8", file) { $0.replaceSubrange(10..<12, with: [0xC0, 0xFF]) } }
        // A 100 MB line: in a journal (over the size limit) and as an index.
        let big = Data(repeating: UInt8(ascii: "a"), count: 100 * 1_048_576)
        try attempt("a 100 MB line", journal) { $0 += big + [10] }
        try attempt("a 100 MB line", "days/\(Probe.today)/index.json") {
            $0 = Data("[\"".utf8) + big + Data("\"]".utf8)
        }
        try attempt("a 100 MB line", "patients/journal.jsonl") { $0 += big }
        // Duplicate keys.
        try attempt("duplicate keys in an event", journal) { data in
            let n = journalLines(data).count + 1
            data += line(
                n,
                #"{"at":"2026-11-21T09:30:00.000Z","at":"1970-01-01T00:00:00.000Z","by":"A","kind":{"note":{"text":"x"}},"kind":{"completed":{}},"seq":\#(n),"seq":1}"#
            )
        }
        try attempt("duplicate keys in the day index", "days/\(Probe.today)/index.json") { data in
            data = Data(
                String(decoding: data, as: UTF8.self).replacingOccurrences(of: #""id":"#, with: #""id":"x","id":"#).utf8
            )
        }
        try attempt("duplicate keys in a patient", "patients/journal.jsonl") { data in
            data += line(
                journalLines(data).count + 1,
                #"{"id":"p-1","id":"p-2","name":"A","name":"B","chartNumber":"C","chartNumber":"D"}"#)
        }
        // Left as they were only when nothing was wrong to see: a flipped bit in a day index that
        // still parses is refreshed from the journals by `check` (the index is derived), and JSON
        // with a repeated key reads as one value.
        for name in unchanged {
            XCTAssertTrue(
                name.hasPrefix("bit flip in days/") && name.hasSuffix("index.json")
                    || name.hasPrefix("duplicate keys in an event"), "went unnoticed: \(name)")
        }
        print(
            "mutated store files: \(outcome.cases) cases — \(outcome.repaired) repaired, \(outcome.refused) refused with a message, \(outcome.unchanged) harmless; 0 crashes, 0 hangs; slowest open \(String(format: "%.2f", outcome.slowest)) s (\(outcome.slowestCase))"
        )
    }
}
