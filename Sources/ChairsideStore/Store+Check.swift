import ChairsideCore
import Foundation

extension Store {
    /// How far `check` is: journals checked of the total.
    public struct CheckProgress: Sendable, Equatable {
        public var checked: Int
        public var total: Int
    }

    /// Verifies the store: re-reads journals instead of trusting the indexes, verifies every hash
    /// chain and every day's recorded anchor, repairs what it can (torn tails, hostile files moved
    /// aside, indexes rebuilt) and reports what it cannot (damaged lines stay in place).
    ///
    /// Incremental by default (CheckPlan): a day whose journals (length, digest of every byte, chain
    /// head) and index are exactly as a clean earlier check left them is not read again (its journals
    /// count as checked in the progress); anything a check reported is read every time. `full` ignores that record and decodes every journal on every
    /// core first; the ordered pass then verifies day by day as before.
    public func check(full: Bool = false, progress: (CheckProgress) -> Void = { _ in }) throws(StoreError)
        -> RecoveryReport
    {
        try requireWritable()
        report = RecoveryReport()
        days = [:]
        reported = []
        repairing = true
        checking = true
        defer {
            repairing = false
            checking = false
            prechecked = [:]
            recordedJournalBytes = [:]
        }
        try makeStoreFolders()
        // Damage whose evidence an earlier repair erased stays reported until someone accepts it.
        for finding in openStandingFindings() { report.add(finding) }
        let plan = CheckPlan(self, full: full)
        let allDays = allDays()
        plan.prepare(days: allDays)
        let counts = allDays.map { day in
            ((try? FileManager.default.contentsOfDirectory(atPath: dayPath(day))) ?? []).filter {
                $0.hasSuffix(".jsonl")
            }.count
        }
        let total = counts.reduce(1, +)
        var done = 0
        progress(CheckProgress(checked: 0, total: total))
        var verified: [ClinicDay: [SessionSummary]] = [:]
        for (day, count) in zip(allDays, counts) {
            // A day the last check verified, byte for byte the same, counts as checked (CheckPlan).
            if !plan.unchanged(day) {
                // The index as recorded, before this check rebuilds it; then each journal is read once.
                let recorded = recordedIndex(day)
                scans = [:]
                verified[day] = try sessions(on: day, updatePatientRefs: false, trustIndex: false)
                if let recorded { try verifyAnchor(day, recorded: recorded) }
                scans = nil
            }
            done += count
            progress(CheckProgress(checked: done, total: total))
        }
        try checkLotJournal()
        try plan.finish(verified: verified)
        lastCheckCounts = plan.counts
        progress(CheckProgress(checked: total, total: total))
        return report
    }

    /// Every session the day index recorded must still end, at the recorded length, in the line
    /// whose hash the index holds (the chain covers every line before it). A journal edited,
    /// cut or removed after that is reported; a copy of the index is kept as evidence before
    /// `check` rebuilds it.
    private func recordedIndex(_ day: ClinicDay) -> (data: Data, entries: [SessionSummary])? {
        let indexPath = dayPath(day) + "/index.json"
        guard files.kind(indexPath) == "file",
            let data = try? files.read(indexPath, limit: Self.maxDayIndexBytes),
            let recorded = try? decoder.decode([SessionSummary].self, from: data)
        else { return nil }
        return (data, recorded)
    }

    private func verifyAnchor(_ day: ClinicDay, recorded: (data: Data, entries: [SessionSummary])) throws(StoreError) {
        var mismatched = false
        for entry in recorded.entries {
            guard let head = entry.head else { continue }
            let path = dayPath(day) + "/\(entry.id).jsonl"
            // A full check's parallel pass read this journal clean to its end: its head is known.
            if let known = prechecked[path], known.journalBytes == entry.journalBytes, let h = known.head {
                if h != head {
                    report.add(.anchorMismatch(day: day.description, session: entry.id))
                    mismatched = true
                }
                continue
            }
            let journal = scans?[path] ?? (try? files.read(path, limit: Self.maxJournalBytes)).map { JournalScan($0) }
            if journal?.hashOfLine(endingAt: entry.journalBytes) != head {
                report.add(.anchorMismatch(day: day.description, session: entry.id))
                mismatched = true
            }
        }
        if mismatched {
            reported.insert("days/\(day)/index.json")
            let evidence = try keepCopy(
                recorded.data, of: dayPath(day) + "/index.json", suffix: "",
                reason: "the day's anchor no longer matches its journals")
            // The index is rebuilt next: the finding and its evidence are kept until someone accepts them.
            for case .anchorMismatch(let d, let session) in report.findings where d == day.description {
                recordStanding(
                    .anchorMismatch(day: d, session: session), evidence: evidence, recordedIndex: recorded.data)
            }
        }
    }

    /// The day's anchor: the RFC 6962 Merkle root over the day's session heads, from the journals
    /// as they are now (never writes). Print it, export it, compare it later.
    /// The anchor (Merkle root) of every day these sessions fall on, for an export to carry.
    public func anchors(of sessions: [SessionSummary], timeZone: TimeZone) throws(StoreError) -> [ClinicDay: String] {
        var roots: [ClinicDay: String] = [:]
        for day in Set(sessions.map { ClinicDay($0.startedAt, timeZone: timeZone) }) {
            roots[day] = try anchor(on: day).root
        }
        return roots
    }

    public func anchor(on day: ClinicDay) throws(StoreError) -> DayAnchor {
        var heads: [(id: String, head: String)] = []
        for summary in try sessions(on: day) {
            var head = summary.head
            if head == nil {
                let path = dayPath(day) + "/\(summary.id).jsonl"
                head = (try? files.read(path, limit: Self.maxJournalBytes)).flatMap {
                    JournalScan($0).hashOfLine(endingAt: summary.journalBytes)
                }
            }
            if let head { heads.append((summary.id, head)) }
        }
        return DayAnchor(day: day, heads: heads)
    }

    func rebuildSessionRefs() throws(StoreError) -> [String: [SessionRef]] {
        var refs: [String: [SessionRef]] = [:]
        for day in allDays() {
            for s in try sessions(on: day, updatePatientRefs: false) where !s.patientID.isEmpty {
                refs[s.patientID, default: []].append(s.ref)
            }
        }
        return refs
    }
}
