import ChairsideCore
import Foundation
import TestSupport
import XCTest

@testable import ChairsideStore

/// Issue 14, third round: random bytes appended to a journal (past the length the day index recorded) are
/// one junk tail kept in quarantine, not thousands of "unreadable events" (which made reading quadratic).
extension SalvageTests {
    /// 1 MiB of seeded random bytes (SplitMix64): about 4,000 "lines" when split at newlines.
    func seededJunk(bytes: Int, seed: UInt64) -> Data {
        var state = seed
        var out = Data(capacity: bytes)
        while out.count < bytes {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            withUnsafeBytes(of: z) { out.append(contentsOf: $0.prefix(bytes - out.count)) }
        }
        return out
    }

    func testAMebibyteOfRandomBytesAppendedIsOneJunkTailKeptInQuarantineNotThousandsOfEvents() throws {
        let (id, events) = try recordCompletedSession(try openStore())
        let original = try Data(contentsOf: URL(fileURLWithPath: journalPath))
        let junk = seededJunk(bytes: 1 << 20, seed: 14)
        XCTAssertGreaterThan(junk.filter { $0 == 0x0A }.count, 3_000, "the junk splits into thousands of lines")
        try (original + junk).write(to: URL(fileURLWithPath: journalPath))

        // A reader ignores the tail: every event, no gap.
        let read = try openStore(.read)
        let state = try read.loadSession(id: id)
        XCTAssertEqual(state.events, events)
        XCTAssertEqual(state.unreadable, [])
        XCTAssertEqual(try read.sessions(on: today).first?.unreadableLines ?? 0, 0)

        // Opening for writing (the console) and `check`: one damaged tail, cut after a whole copy is kept.
        let store = try openStore(.write)
        let findings = store.report.findings + (try store.check().findings)
        let mine = findings.filter { $0.text.contains(rel) }
        XCTAssertLessThanOrEqual(mine.count, 3, "\(mine.map(\.text))")
        XCTAssertFalse(mine.contains { if case .damagedLine = $0 { true } else { false } }, "\(mine.map(\.text))")
        let tails = mine.compactMap { f -> (Int, String)? in
            if case .damagedTailCut(_, let n, _, let kept) = f { (n, kept) } else { nil }
        }
        XCTAssertEqual(tails.count, 1, "\(mine.map(\.text))")
        XCTAssertEqual(tails.first?.0, junk.count)
        let copy = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + (tails.first?.1 ?? "")))
        XCTAssertEqual(copy, junk, "the junk is kept whole in quarantine")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: journalPath)), original)
        XCTAssertFalse(try openStore(.write).check().hasDamage, "the cut is reported once, with its copy")
    }

    func testARottedLineAppendedAfterTheRecordedLengthIsStillNamedAsADamagedLine() throws {
        let (_, events) = try recordCompletedSession(try openStore())
        var all = try lines(journalPath)
        // A copy of the last line, one byte changed, past the recorded length: it starts like a
        // journal line, so it is named like any damaged line, not cut as junk.
        var extra = try XCTUnwrap(all.last)
        extra[extra.startIndex + 20] ^= 0x01
        all.append(extra)
        try write(all, journalPath)
        let report = try openStore(.write).check()
        XCTAssertTrue(
            report.findings.contains {
                if case .damagedLine(path: rel, line: events.count + 1, _) = $0 { true } else { false }
            },
            "\(report.findings.map(\.text))")
    }
}

extension SalvageTests {
    /// Replaces `path` with a FIFO or a folder (what a new user's trial put there).
    func replace(_ path: String, with kind: String) throws {
        try FileManager.default.removeItem(atPath: path)
        if kind == "fifo" {
            XCTAssertEqual(mkfifo(path, 0o600), 0)
        } else {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        }
    }

    func movedAside(_ findings: [RecoveryReport.Finding], _ path: String) -> Bool {
        findings.contains { if case .notAFile(path, _, _?) = $0 { true } else { false } }
    }

    func testASessionJournalMovedAsideStaysAStandingFindingUntilAccepted() throws {
        for kind in ["fifo", "folder"] {
            try? FileManager.default.removeItem(atPath: dir)
            _ = try recordCompletedSession(try openStore())
            try replace(journalPath, with: kind)
            let first = try openStore(.write).check()
            XCTAssertTrue(movedAside(first.findings, rel), "\(kind): \(first.findings.map(\.text))")
            let second = try openStore(.write).check()
            XCTAssertTrue(second.hasDamage, "\(kind): the next check must not say no damage")
            XCTAssertTrue(movedAside(second.findings, rel), "\(kind): \(second.findings.map(\.text))")
            XCTAssertGreaterThanOrEqual(try openStore(.write).acceptStandingFindings("2026-11-21"), 1)
            XCTAssertFalse(try openStore(.write).check().hasDamage, "\(kind): accepted, the record says when")
        }
    }

    func testAPatientJournalReplacedByAFolderOrAFIFOIsMovedAsideAndStandsUntilAccepted() throws {
        for kind in ["fifo", "folder"] {
            try? FileManager.default.removeItem(atPath: dir)
            _ = try recordCompletedSession(try openStore())
            let patients = dir + "/patients/journal.jsonl"
            try replace(patients, with: kind)
            let first = try openStore(.write).check()
            XCTAssertTrue(
                movedAside(first.findings, "patients/journal.jsonl"), "\(kind): \(first.findings.map(\.text))")
            var info = stat()
            XCTAssertNotEqual(lstat(patients, &info) == 0 ? info.st_mode & S_IFMT : 0, S_IFIFO, "\(kind) moved aside")
            let second = try openStore(.write).check()
            XCTAssertTrue(second.hasDamage, "\(kind): \(second.findings.map(\.text))")
            XCTAssertGreaterThanOrEqual(try openStore(.write).acceptStandingFindings("patients"), 1)
            XCTAssertFalse(try openStore(.write).check().hasDamage, "\(kind): accepted")
        }
    }
}
