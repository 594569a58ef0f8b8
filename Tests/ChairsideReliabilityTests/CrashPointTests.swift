import ChairsideCore
import Foundation
import TestSupport
import XCTest

@testable import ChairsideStore

/// Crash points and power loss (issue 6, points 1 and 2): the scripted session is killed at every
/// mutating file operation, in every mode, and so is the recovery that follows; after each, the
/// store must hold every acknowledged event byte for byte, resume at the same step, and have no
/// unreadable file, no wrong permission and no temporary file read as data.
final class CrashPointTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = "/dev/shm/chairside-crash-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    struct Tally: CustomStringConvertible {
        var runs = 0, sameState = 0, recoveryRuns = 0, lostEvents = 0, failures = 0, tornCuts = 0, tempLeftovers = 0,
            quarantined = 0, rebuilt = 0, damagedKept = 0
        var description: String {
            "\(runs) crash runs (\(runs - sameState) distinct states) and \(recoveryRuns) crashes inside their recovery; \(failures) failed invariants, \(lostEvents) lost acknowledged events; "
                + "recovery cut \(tornCuts) torn tails, removed \(tempLeftovers) leftover temp files, rebuilt \(rebuilt) indexes, quarantined \(quarantined), kept \(damagedKept) damaged lines in place"
        }

        mutating func count(_ report: RecoveryReport) {
            for f in report.findings {
                switch f {
                case .tornTailCut: tornCuts += 1
                case .leftoverTempFile: tempLeftovers += 1
                case .quarantined: quarantined += 1
                case .damagedLine: damagedKept += 1
                case .indexRebuilt: rebuilt += 1
                default: break
                }
            }
        }
    }

    /// The uninterrupted run: how many crash points there are, and of which kinds.
    func testTheScriptedSessionRunsCleanlyAndCountsItsCrashPoints() throws {
        let run = Probe.run("session", dir + "/store", environment: ["CHAIRSIDE_LIST_OPS": "1"])
        XCTAssertEqual(run.status, 0, run.lines.suffix(3).joined(separator: "\n"))
        XCTAssertGreaterThan(run.ackedThrough, 25)
        XCTAssertEqual(run.ackedLabel, "completed|completed|false")
        let kinds = Dictionary(grouping: run.operations, by: \.kind).mapValues(\.count)
        for kind in ["create", "write", "fdatasync", "fsync", "rename", "dirsync", "mkdir", "chmod"] {
            XCTAssertNotNil(kinds[kind], "the script never does \(kind)")
        }
        let (problems, _) = StoreInvariants.check(dir + "/store", against: run)
        XCTAssertEqual(problems, [])
        print(
            "crash points in the scripted session: \(run.operations.count) — "
                + kinds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    }

    func testProcessCrashAtEveryOperation() throws { try crashEverywhere(mode: "kill") }
    func testTornWriteAtEveryWrite() throws { try crashEverywhere(mode: "torn", only: "write") }
    func testPowerLossDroppingUnsyncedWritesAtEveryOperation() throws { try crashEverywhere(mode: "drop") }
    func testPowerLossGarblingUnsyncedWritesAtEveryOperation() throws { try crashEverywhere(mode: "garble") }

    /// Kills the session at crash point n for every n (in `mode`), checks the store, then kills the
    /// recovery itself at each of its own crash points and checks again.
    func crashEverywhere(mode: String, only kind: String? = nil) throws {
        let counting = Probe.run("session", dir + "/count", environment: ["CHAIRSIDE_LIST_OPS": "1"])
        let total = counting.operations.count
        XCTAssertGreaterThan(total, 100)
        var tally = Tally()
        var seen = Set<Int>()
        let recoveryMode = mode == "torn" ? "kill" : mode
        for n in 1...total {
            if let kind, counting.operations[n - 1].kind != kind { continue }
            let root = "\(dir!)/\(mode)-\(n)"
            defer {
                for copy in [root, root + "-c", root + "-r"] { try? FileManager.default.removeItem(atPath: copy) }
            }
            let run = Probe.run(
                "session", root, environment: ["CHAIRSIDE_CRASH_AT": "\(n)", "CHAIRSIDE_CRASH_MODE": mode])
            guard run.signalled && run.status == SIGKILL else {
                XCTFail(
                    "\(mode) at \(n) (\(counting.operations[n - 1].kind)): the probe did not die there: \(run.lines.suffix(2))"
                )
                continue
            }
            tally.runs += 1
            let (problems, report) = StoreInvariants.check(try copy(root, "\(root)-c"), against: run)
            record(
                problems, "\(mode) at \(n) (\(counting.operations[n - 1].kind) \(counting.operations[n - 1].path))",
                mode: mode, &tally)
            tally.count(report)
            // Recovery crashes: on copies of the crashed store, one per crash point of its recovery;
            // a state already tried (many crash points leave the same bytes) is not tried again.
            guard seen.insert(fingerprint(root)).inserted else {
                tally.sameState += 1
                continue
            }
            let recovering = Probe.run("recover", try copy(root, "\(root)-r"), environment: ["CHAIRSIDE_LIST_OPS": "1"])
            let recoveryOps =
                Int(recovering.lines.last { $0.hasPrefix("recovered ") }?.split(separator: " ")[1] ?? "") ?? 0
            XCTAssertEqual(recovering.status, 0, "\(mode) at \(n): recovery failed: \(recovering.lines.suffix(2))")
            for m in stride(from: 1, through: recoveryOps, by: 1) {
                let again = try copy(root, "\(root)-r\(m)")
                let crashed = Probe.run(
                    "recover", again, environment: ["CHAIRSIDE_CRASH_AT": "\(m)", "CHAIRSIDE_CRASH_MODE": recoveryMode])
                XCTAssertTrue(crashed.signalled, "recovery of \(mode) at \(n) did not die at \(m)")
                tally.recoveryRuns += 1
                let (problems, report) = StoreInvariants.check(again, against: run)
                record(problems, "\(mode) at \(n), then recovery killed at \(m)", mode: mode, &tally)
                tally.count(report)
                try? FileManager.default.removeItem(atPath: again)
            }
        }
        print("\(mode): \(tally)")
        XCTAssertEqual(tally.lostEvents, 0)
        XCTAssertEqual(tally.failures, 0)
        XCTAssertGreaterThan(tally.recoveryRuns, 0, "no recovery ever had a crash point")
    }

    private func record(_ problems: [String], _ what: String, mode: String, _ tally: inout Tally) {
        guard !problems.isEmpty else { return }
        tally.failures += 1
        if problems.contains(where: { $0.hasPrefix("lost acknowledged") || $0.contains("is gone") }) {
            tally.lostEvents += 1
        }
        XCTFail("\(what): \(problems.joined(separator: "; "))")
    }

    private func copy(_ from: String, _ to: String) throws -> String {
        try? FileManager.default.removeItem(atPath: to)
        guard FileManager.default.fileExists(atPath: from) else { return to }
        try FileManager.default.copyItem(atPath: from, toPath: to)  // keeps the modes, which the check reads
        return to
    }

    /// What a crashed store holds, for skipping states already tried: names (with the writer's pid
    /// taken out of temp names) and bytes.
    private func fingerprint(_ root: String) -> Int {
        var hasher = Hasher()
        for rel in (FileManager.default.subpaths(atPath: root) ?? []).sorted() {
            hasher.combine(rel.replacingOccurrences(of: #"tmp-\d+"#, with: "tmp", options: .regularExpression))
            hasher.combine(FileManager.default.contents(atPath: root + "/" + rel))
        }
        return hasher.finalize()
    }
}
