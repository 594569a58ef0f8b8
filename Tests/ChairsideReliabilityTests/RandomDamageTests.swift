import ChairsideCore
import Foundation
import TestSupport
import XCTest

@testable import ChairsideStore

/// Issue 14's invariant, by random damage over a full demo store: every line whose own bytes are
/// intact survives any damage to other bytes, and every damaged acknowledged line is named (file
/// and sequence number) with its original bytes kept — never silently cut.
///
/// Seeded and reproducible: each case's seed is printed on failure; `CHAIRSIDE_DAMAGE_SEED=N`
/// reruns from another base seed, `CHAIRSIDE_DAMAGE_CASES=N` changes the count.
final class RandomDamageTests: XCTestCase {
    var dir: String!
    var pristine: String { dir + "/pristine" }
    let tz = TimeZone(identifier: "UTC")!
    let now = Fixture.t0.addingTimeInterval(6 * 3600)
    var today: ClinicDay { ClinicDay(now, timeZone: tz) }

    override func setUpWithError() throws {
        // tmpfs when there is one (as the crash harness): the store's fsyncs cost nothing there, so a
        // thousand cases fit in CI; the file operations are the same real ones.
        let base =
            FileManager.default.fileExists(atPath: "/dev/shm")
            ? "/dev/shm" : FileManager.default.temporaryDirectory.path
        dir = "\(base)/chairside-damage-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let store = try Store(root: pristine, timeZone: tz, today: today, access: .create)
        try DemoClinic.fill(store, config: .standard, now: now, timeZone: tz, seed: 2_026)
        _ = try store.check()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    enum Damage: String, CaseIterable {
        case bitFlip, garble, zeroBlock, truncate, duplicateLine, swapLines
        /// `head -n K journal > j; mv j journal`: whole lines gone from the end.
        case deleteEndLines
        /// `truncate -s -1`: only the final newline gone.
        case missingNewline
        /// One whole line deleted from inside (never the last): named by its number, not as a lost end.
        case deleteMiddleLine
        /// 17 MiB of junk appended (over a session journal's 16 MiB cap), with a few newlines in it.
        case hugeJunk
    }

    struct Tally {
        var cases = 0, byKind: [String: Int] = [:], linesKeptIntact = 0, linesNamed = 0, tornCuts = 0, chainBreaks = 0
        var quarantinedWhole = 0, indexOrMarker = 0, linesMissingNamed = 0, newlinesRestored = 0, junkCut = 0
        var deletedInsideNamed = 0
    }

    /// Journals of the store, relative; the patient journal last.
    func journals(_ root: String) -> [String] {
        var out: [String] = []
        for day in (try? FileManager.default.contentsOfDirectory(atPath: root + "/days"))?.sorted() ?? [] {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: "\(root)/days/\(day)"))?.sorted() ?? []
            where name.hasSuffix(".jsonl") {
                out.append("days/\(day)/\(name)")
            }
        }
        return out + ["patients/journal.jsonl"]
    }

    static func completeLines(_ data: Data) -> [Data] {
        var out: [Data] = []
        // memchr: a 17 MiB junk tail is searched in microseconds, not byte by byte in a debug build.
        data.withUnsafeBytes { (buf: UnsafeRawBufferPointer) in
            guard let base = buf.baseAddress else { return }
            var start = 0
            while start < buf.count, let p = memchr(base + start, 0x0A, buf.count - start) {
                let nl = base.distance(to: UnsafeRawPointer(p))
                out.append(Data(bytes: base + start, count: nl + 1 - start))
                start = nl + 1
            }
        }
        return out
    }

    func damage(_ kind: Damage, _ data: Data, rng: inout SplitMix64) -> Data {
        var d = data
        func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(max(n, 1))) }
        var lines = Self.completeLines(data)
        switch kind {
        case .bitFlip:
            d[pick(d.count)] ^= UInt8(1 << pick(8))
        case .garble:
            let at = pick(d.count)
            let n = min(2 + pick(63), d.count - at)
            for i in at..<at + n { d[i] = UInt8(truncatingIfNeeded: rng.next()) }
        case .zeroBlock:
            let at = pick(d.count)
            let n = min(1 + pick(512), d.count - at)
            d.replaceSubrange(at..<at + n, with: Data(count: n))
        case .truncate:
            d = d.prefix(pick(d.count))
        case .duplicateLine:
            let i = pick(lines.count)
            lines.insert(lines[i], at: i + 1)
            d = lines.reduce(Data(), +)
        case .swapLines:
            guard lines.count > 1 else { return damage(.bitFlip, data, rng: &rng) }
            let i = pick(lines.count - 1)
            lines.swapAt(i, i + 1)
            d = lines.reduce(Data(), +)
        case .deleteEndLines:
            guard lines.count > 1 else { return damage(.bitFlip, data, rng: &rng) }
            d = lines.prefix(lines.count - 1 - pick(min(lines.count - 1, 5))).reduce(Data(), +)
        case .missingNewline:
            d = d.dropLast()
        case .deleteMiddleLine:
            guard lines.count > 2 else { return damage(.bitFlip, data, rng: &rng) }
            lines.remove(at: pick(lines.count - 1))
            d = lines.reduce(Data(), +)
        case .hugeJunk:
            var junk = Data(repeating: UInt8(ascii: "j"), count: 17 * 1_048_576)
            for _ in 0..<pick(4) { junk[pick(junk.count)] = 0x0A }
            d += junk
        }
        return d == data ? damage(.bitFlip, data, rng: &rng) : d
    }

    /// What the undamaged store holds: every session's events and every patient.
    struct Contents {
        var events: [String: [SessionEvent]] = [:]
        var patients: [Patient] = []
    }

    /// As a fresh reader sees it; with `only`, that session's events alone (the others' files were not touched).
    func contents(_ root: String, only: String? = nil) throws -> Contents {
        let store = try Store(root: root, timeZone: tz, today: today, access: .read)
        var c = Contents(patients: store.directory.patients)
        if let only {
            guard let day = SessionID.day(of: only) else { return c }
            if try store.sessions(on: day).contains(where: { $0.id == only }) {
                c.events[only] = try store.loadSession(id: only).events
            }
            return c
        }
        for day in store.allDays() {
            for s in try store.sessions(on: day) { c.events[s.id] = try store.loadSession(id: s.id).events }
        }
        return c
    }

    func testRandomDamageLosesNoIntactLineAndNamesEveryDamagedOne() throws {
        let env = ProcessInfo.processInfo.environment
        let base = env["CHAIRSIDE_DAMAGE_SEED"].flatMap(UInt64.init) ?? 14
        let count = env["CHAIRSIDE_DAMAGE_CASES"].flatMap(Int.init) ?? 1_000
        let expected = try contents(pristine)
        let files = journals(pristine)
        let others =
            ["chairside-store.json", "patients/directory.bin"]
            + files.compactMap { f in
                f.hasPrefix("days/") ? (f as NSString).deletingLastPathComponent + "/index.json" : nil
            }
            // Acknowledgement marks: evidence only; damaging one loses nothing.
            + files.map { JournalMark.path(of: $0) }
        var tally = Tally()
        let started = Date()
        let first = env["CHAIRSIDE_DAMAGE_FIRST"].flatMap(Int.init) ?? 0
        for n in first..<first + count {
            let seed = base &* 1_000_003 &+ UInt64(n)
            var rng = SplitMix64(seed: seed)
            let root = "\(dir!)/case"
            try? FileManager.default.removeItem(atPath: root)
            try FileManager.default.copyItem(atPath: pristine, toPath: root)
            // Nine cases in ten hit a journal; the rest an index or the marker (derived or small).
            let target =
                rng.next() % 10 == 0
                ? others[Int(rng.next() % UInt64(others.count))] : files[Int(rng.next() % UInt64(files.count))]
            // Huge junk is one journal case in forty (each writes, reads and copies 17 MiB).
            let junk = rng.next() % 40 == 0
            let kind =
                !target.hasSuffix(".jsonl")
                ? Damage.allCases[Int(rng.next() % 4)]
                : junk ? .hugeJunk : Damage.allCases[Int(rng.next() % UInt64(Damage.allCases.count - 1))]
            let original = try Data(contentsOf: URL(fileURLWithPath: pristine + "/" + target))
            let damaged = damage(kind, original, rng: &rng)
            try damaged.write(to: URL(fileURLWithPath: root + "/" + target))
            let problems = try verify(
                root: root, target: target, kind: kind, original: original, damaged: damaged, expected: expected,
                tally: &tally)
            if !problems.isEmpty, env["CHAIRSIDE_DAMAGE_KEEP"] != nil {
                try? FileManager.default.removeItem(atPath: "/tmp/chairside-damage-case")
                try FileManager.default.copyItem(atPath: root, toPath: "/tmp/chairside-damage-case")
                try original.write(to: URL(fileURLWithPath: "/tmp/chairside-damage-case.original"))
                try damaged.write(to: URL(fileURLWithPath: "/tmp/chairside-damage-case.damaged"))
            }
            if !problems.isEmpty {
                XCTFail(
                    "seed \(seed) (reproduce: CHAIRSIDE_DAMAGE_SEED=\(base) CHAIRSIDE_DAMAGE_FIRST=\(n) CHAIRSIDE_DAMAGE_CASES=1): \(kind) in \(target): "
                        + problems.joined(separator: "; "))
            }
            tally.cases += 1
            tally.byKind[kind.rawValue, default: 0] += 1
        }
        let seconds = Date().timeIntervalSince(started)
        print(
            "random damage: \(tally.cases) cases ("
                + tally.byKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                + ") in \(String(format: "%.1f", seconds)) s; \(tally.linesKeptIntact) intact lines of damaged files all read, "
                + "\(tally.linesNamed) damaged lines all named and kept, \(tally.tornCuts) torn tails cut, \(tally.chainBreaks) chain breaks named, "
                + "\(tally.quarantinedWhole) journals with no intact line moved to quarantine whole, \(tally.indexOrMarker) index or marker cases, "
                + "\(tally.linesMissingNamed) journals shorter than recorded named, \(tally.newlinesRestored) lost newlines written back, "
                + "\(tally.junkCut) junk tails over the cap cut with a copy, "
                + "\(tally.deletedInsideNamed) lines deleted from inside a journal named by number"
        )
    }

    // Checks one damaged store the way the console and `check` open it.
    // swiftlint:disable:next function_body_length
    func verify(
        root: String, target: String, kind: Damage, original: Data, damaged: Data, expected: Contents,
        tally: inout Tally
    ) throws -> [String] {
        var problems: [String] = []
        let store: Store
        do {
            store = try Store(root: root, timeZone: tz, today: today, access: .write)
        } catch {
            return ["opening for writing failed: \(error)"]
        }
        let opening = store.report.findings
        let report: RecoveryReport
        do { report = try store.check() } catch { return ["check failed: \(error)"] }
        let findings = opening + report.findings
        let sessionID = target.hasPrefix("days/") ? String((target as NSString).lastPathComponent.dropLast(6)) : nil
        let got = try contents(root, only: target.hasSuffix(".jsonl") ? sessionID ?? "" : nil)
        guard target.hasSuffix(".jsonl") else {
            tally.indexOrMarker += 1
            if got.patients.sorted(by: { $0.id < $1.id }) != expected.patients.sorted(by: { $0.id < $1.id }) {
                problems.append("patients differ")
            }
            if got.events != expected.events { problems.append("sessions differ") }
            return problems
        }
        // The other journals were not touched (index and marker cases compare them all).
        if sessionID != nil && Set(got.patients.map(\.id)) != Set(expected.patients.map(\.id)) {
            problems.append("patients changed")
        }

        let before = Self.completeLines(original)
        var intact = Set(Self.completeLines(damaged))
        // Only its newline went: the last line's own bytes are intact, and it must be read.
        if kind == .missingNewline, let last = before.last { intact.insert(last) }
        let after = FileManager.default.contents(atPath: root + "/" + target)
        let quarantined = findings.contains { if case .quarantined(path: target, _, _) = $0 { true } else { false } }
        if quarantined {
            // No intact line at all: the whole file is in quarantine, byte for byte.
            tally.quarantinedWhole += 1
            let copies = (try? FileManager.default.contentsOfDirectory(atPath: root + "/quarantine")) ?? []
            let name = target.replacingOccurrences(of: "/", with: "_")
            if !copies.contains(where: {
                $0.hasSuffix(name) && FileManager.default.contents(atPath: "\(root)/quarantine/\($0)") == damaged
            }) {
                problems.append("quarantined, but the original bytes are not in quarantine/")
            }
            if before.contains(where: intact.contains) && kind != .truncate {
                problems.append("quarantined a journal with intact lines")
            }
            return problems
        }
        guard let after else { return problems + ["the journal is gone without a quarantine copy"] }
        // The file is the damaged bytes, cut only at a torn tail, or with a rotted newline written back.
        let cut = after.count < damaged.count
        if after != damaged && !(cut && damaged.prefix(after.count) == after) && after != damaged + [0x0A] {
            problems.append("the journal was rewritten (\(damaged.count) bytes damaged, \(after.count) after)")
        }
        if cut {
            tally.tornCuts += 1
            let gone = Data(damaged[after.count...])
            let goneLines = Self.completeLines(gone)
            // Only an unterminated tail may go, with an unfinished batch (intact `more` lines) before it;
            // past the size cap, junk lines go too (copied whole), never an intact line.
            if !goneLines.allSatisfy({
                JournalChain.decodeWhole($0)?.more == true || (kind == .hugeJunk && JournalChain.decodeWhole($0) == nil)
            }) {
                problems.append("a complete line was cut")
            }
            if kind == .hugeJunk { tally.junkCut += 1 }
            let tail = findings.compactMap { f -> String? in
                switch f {
                case .tornTailCut(let path, _, _, let kept) where path == target: kept
                case .damagedTailCut(let path, _, _, let kept) where path == target: kept
                case .acknowledgedTailCut(let path, _, _, let kept) where path == target: kept
                default: nil
                }
            }
            if tail.isEmpty { problems.append("cut silently") }
            // Every line of the undamaged store was acknowledged (its mark says so): a cut one is damage.
            if kind == .truncate,
                findings.contains(where: { if case .tornTailCut(path: target, _, _, _) = $0 { true } else { false } })
            {
                problems.append("an acknowledged line cut short was taken for a torn write")
            }
            if let kept = tail.first, FileManager.default.contents(atPath: root + "/" + kept) != gone {
                problems.append("the cut bytes are not kept")
            }
        }
        let scan = JournalScan(after)
        let keptLines = Set(Self.completeLines(after))
        // Every original line whose bytes are unchanged is read (unless it went with a torn tail).
        for line in before where intact.contains(line) && keptLines.contains(line) {
            tally.linesKeptIntact += 1
            guard let decoded = JournalChain.decodeWhole(line) else { continue }
            if let sessionID {
                let event = try JSONCoding.decoder().decode(SessionEvent.self, from: decoded.payload)
                if !(got.events[sessionID] ?? []).contains(event) {
                    problems.append("intact event #\(decoded.seq) not read")
                }
            } else {
                let patient = try JSONCoding.decoder().decode(Patient.self, from: decoded.payload)
                if !got.patients.contains(patient) { problems.append("intact patient record #\(decoded.seq) not read") }
            }
        }
        // Lines gone from the end of what the store recorded are named: "events after #N are missing".
        let missingAfter = findings.compactMap { f -> Int? in
            if case .linesMissing(path: target, let after, _, _) = f { after } else { nil }
        }.min()
        if kind == .deleteEndLines || kind == .truncate {
            if missingAfter == nil { problems.append("a journal shorter than recorded was not named") }
            if !report.hasDamage { problems.append("check did not report the missing lines as damage") }
            if missingAfter != nil { tally.linesMissingNamed += 1 }
        }
        // A line deleted from inside is named by its number, and the journal's end still reads.
        var deletedInside: Int?
        if kind == .deleteMiddleLine {
            let gone = before.firstIndex { !intact.contains($0) }.map { $0 + 1 }
            deletedInside = gone
            let named = findings.contains {
                if case .linesMissingInside(path: target, let seqs, _, _) = $0 {
                    seqs.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.contains("#\(gone ?? 0)")
                } else {
                    false
                }
            }
            if named {
                tally.deletedInsideNamed += 1
            } else {
                problems.append("the line deleted from inside is not named")
            }
            if missingAfter != nil {
                problems.append("a line deleted from inside was named as lines lost from the end")
            }
            if !report.hasDamage { problems.append("check did not report the deleted line as damage") }
            if let sessionID, let day = SessionID.day(of: sessionID),
                let s = try Store(root: root, timeZone: tz, today: today, access: .read).sessions(on: day).first(
                    where: {
                        $0.id == sessionID
                    }), s.endUnreadable
            {
                problems.append("a line deleted from inside made the end unreadable")
            }
        }
        if kind == .missingNewline {
            let restored = findings.contains {
                if case .newlineRestored(path: target, _, _) = $0 { true } else { false }
            }
            if restored { tally.newlinesRestored += 1 } else { problems.append("the lost newline was not reported") }
            if after != damaged + [0x0A] { problems.append("the newline was not written back") }
        }
        // Every changed line is named by its sequence number, its bytes kept in place.
        var end = 0
        for (i, line) in before.enumerated() {
            end += line.count
            guard !intact.contains(line) else { continue }
            let seq = i + 1
            let named = scan.damaged.contains {
                $0.firstSeq <= seq && (seq <= $0.lastSeq || $0.openEnded)
                    || ($0.lastSeq < $0.firstSeq && $0.firstSeq - 1 == seq)
            }
            // A truncation takes the lines past its cut with it; the last part line is a torn tail.
            let inTornTail = end > after.count && (kind == .truncate || cut)
            let namedMissing = end > after.count && missingAfter.map { $0 < seq } == true
            if named || namedMissing || deletedInside == seq {
                tally.linesNamed += 1
            } else if !inTornTail {
                problems.append("changed line #\(seq) is not named")
            }
        }
        for d in scan.damaged where !findings.contains(.damagedLine(path: target, line: d.line, seqs: d.seqText)) {
            problems.append("damaged line \(d.line) not reported")
        }
        if kind == .duplicateLine || kind == .swapLines {
            if findings.contains(where: { if case .chainBroken(path: target, _) = $0 { true } else { false } }) {
                tally.chainBreaks += 1
            } else {
                problems.append("the chain check did not name the \(kind)")
            }
        }
        if !scan.damaged.isEmpty || !scan.chainBreaks.isEmpty, !report.hasDamage {
            problems.append("check did not report damage")
        }
        return problems
    }

    /// The same damage, fewer cases, through the real `chairside` binary: `check`, `today` and `show`
    /// each end (a deadline catches a hang) with the right status, and name what is unreadable.
    func testRandomDamageThroughTheRealBinary() throws {
        let binary = URL(fileURLWithPath: Probe.binary).deletingLastPathComponent().appendingPathComponent("chairside")
            .path
        let files = journals(pristine).filter { $0.hasPrefix("days/") }
        let config = dir + "/config"
        try FileManager.default.createDirectory(atPath: config, withIntermediateDirectories: true)
        var rng = SplitMix64(seed: 1_414)
        var cases = 0
        var damagedCases = 0
        var slowest = 0.0
        for n in 0..<30 {
            let root = "\(dir!)/bin-\(n)"
            try FileManager.default.copyItem(atPath: pristine, toPath: root)
            defer { try? FileManager.default.removeItem(atPath: root) }
            let target = files[Int(rng.next() % UInt64(files.count))]
            let kind = Damage.allCases[n % Damage.allCases.count]
            let original = try Data(contentsOf: URL(fileURLWithPath: root + "/" + target))
            let damaged = damage(kind, original, rng: &rng)
            try damaged.write(to: URL(fileURLWithPath: root + "/" + target))
            let id = String((target as NSString).lastPathComponent.dropLast(6))
            let day = String(target.split(separator: "/")[1])
            let what = "case \(n): \(kind) in \(target)"
            let env = ["XDG_CONFIG_HOME": config, "TZ": "UTC"]
            let check = Self.run(binary, ["check", "--store", root], environment: env)
            let today = Self.run(binary, ["today", "--store", root, "--date", day], environment: env)
            let show = Self.run(binary, ["show", id, "--store", root], environment: env)
            slowest = max(slowest, check.seconds, today.seconds, show.seconds)
            cases += 1
            XCTAssertTrue([0, 1].contains(check.status), "\(what): check exit \(check.status): \(check.err)")
            XCTAssertTrue(check.out.contains("Checked "), "\(what): \(check.out)")
            XCTAssertEqual(today.status, 0, "\(what): \(today.err)")
            let scan = JournalScan(FileManager.default.contents(atPath: root + "/" + target) ?? Data())
            if [.deleteEndLines, .truncate, .hugeJunk, .deleteMiddleLine].contains(kind) {
                XCTAssertEqual(check.status, 1, "\(what): lines missing or junk over the cap is damage: \(check.out)")
            }
            if !scan.damaged.isEmpty {
                damagedCases += 1
                XCTAssertEqual(check.status, 1, "\(what): damage left in place makes check exit 1")
                XCTAssertTrue(check.out.contains("unreadable — original kept in place"), "\(what): \(check.out)")
                if show.status == 0 {
                    XCTAssertTrue(show.out.contains("unreadable — original kept in place"), "\(what): \(show.out)")
                }
            }
            XCTAssertTrue(
                show.status == 0 || show.err.contains("chairside"), "\(what): show says what to do: \(show.err)")
        }
        print(
            "random damage through the binary: \(cases) cases (\(damagedCases) left damaged lines in place), check/today/show each; "
                + "0 hangs; slowest command \(String(format: "%.2f", slowest)) s")
    }

    /// Runs a binary to its end; one that outlives `timeout` is killed and fails the test (a hang).
    static func run(
        _ binary: String, _ args: [String], environment: [String: String], timeout: TimeInterval = 30,
        line: UInt = #line
    ) -> (status: Int32, out: String, err: String, seconds: Double) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("CHAIRSIDE_") { env[key] = nil }
        p.environment = env.merging(environment) { $1 }
        // Files, not pipes: a full pipe could stall the child and look like a hang.
        let outPath = NSTemporaryDirectory() + "chairside-run-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: outPath + ".out", contents: nil)
        FileManager.default.createFile(atPath: outPath + ".err", contents: nil)
        defer {
            unlink(outPath + ".out")
            unlink(outPath + ".err")
        }
        p.standardOutput = FileHandle(forWritingAtPath: outPath + ".out")
        p.standardError = FileHandle(forWritingAtPath: outPath + ".err")
        p.standardInput = FileHandle.nullDevice
        let started = Date()
        do { try p.run() } catch {
            XCTFail("could not start \(binary): \(error)", line: line)
            return (-1, "", "", 0)
        }
        while p.isRunning {
            if Date().timeIntervalSince(started) > timeout {
                p.terminate()
                kill(p.processIdentifier, SIGKILL)
                XCTFail("\(args.first ?? "") ran longer than \(timeout) s: a hang", line: line)
                break
            }
            usleep(5_000)
        }
        p.waitUntilExit()
        let outData = FileManager.default.contents(atPath: outPath + ".out") ?? Data()
        let errData = FileManager.default.contents(atPath: outPath + ".err") ?? Data()
        return (
            p.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self),
            Date().timeIntervalSince(started)
        )
    }
}
