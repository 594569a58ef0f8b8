import ChairsideCore
import Foundation

/// How `check` spends its time. Incremental (the default): days whose journals and index are
/// exactly as the last check left them (`VerificationCache`) are not read again, nor is an
/// unchanged patient journal, nor a reference shard nobody touched. `--full`: the cache is
/// ignored and every journal is decoded, spread over every core first, then verified in order.
final class CheckPlan {
    let store: Store
    let full: Bool
    private let old: VerificationCache
    private var new = VerificationCache()
    private var unchangedDays: Set<ClinicDay> = []
    /// Each unchanged day's journals as the cache knows them.
    private var cachedByDay: [ClinicDay: [VerificationCache.Journal]] = [:]
    private let progress: @Sendable (String) -> Void

    /// Sessions and days the check covered, for its summary line.
    private(set) var counts = (days: 0, sessions: 0)

    init(_ store: Store, full: Bool, progress: @escaping @Sendable (String) -> Void) {
        self.store = store
        self.full = full
        self.progress = progress
        old = full ? VerificationCache() : VerificationCache(contentsOf: store.checkCachePath)
        for path in old.journals.keys { cachedPerDay[String(path.prefix(16)), default: 0] += 1 }
    }

    /// How many journals the cache has per day ("days/2026-11-21/"), to notice one that vanished.
    private var cachedPerDay: [String: Int] = [:]

    /// Decides which days need reading; in a full check, decodes every journal in parallel first.
    func prepare(days: [ClinicDay]) {
        var jobs: [(path: String, id: String)] = []
        for day in days {
            let dir = store.dayPath(day)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            let ids = names.filter { $0.hasSuffix(".jsonl") && !$0.hasPrefix(".") }.map { String($0.dropLast(6)) }
            if full {
                jobs += ids.map { (dir + "/" + $0 + ".jsonl", $0) }
                continue
            }
            let rel = "days/\(day)/"
            let index = VerificationCache.whole(dir + "/index.json")
            guard !ids.isEmpty, index != nil, old.files[rel + "index.json"] == index else { continue }
            var known: [VerificationCache.Journal] = []
            for id in ids {
                guard let entry = old.journals[rel + id + ".jsonl"],
                    let now = VerificationCache.tail(of: dir + "/" + id + ".jsonl"),
                    now.length == entry.length, now.digest == entry.tail
                else { break }
                known.append(entry)
            }
            guard known.count == ids.count, cachedPerDay[rel] == ids.count else { continue }
            unchangedDays.insert(day)
            cachedByDay[day] = known
            for id in ids { new.journals[rel + id + ".jsonl"] = old.journals[rel + id + ".jsonl"] }
            new.files[rel + "index.json"] = index
        }
        if full { store.prechecked = Self.decodeInParallel(jobs, files: store.files, progress: progress) }
        progress(
            full
                ? "decoded \(jobs.count) session journals; verifying day by day"
                : "\(unchangedDays.count) of \(days.count) days unchanged since the last check")
    }

    func unchanged(_ day: ClinicDay) -> Bool { unchangedDays.contains(day) }

    /// After the days: the patient directory, every reference, and the new cache.
    func finish(verified: [ClinicDay: [SessionSummary]]) throws(StoreError) {
        store.prechecked = [:]
        // Days just verified: their journals as they are now, and their index as rewritten.
        var touchedPatients = Set<String>()
        for (day, list) in verified {
            let rel = "days/\(day)/"
            for entry in old.journals where entry.key.hasPrefix(rel) { touchedPatients.insert(entry.value.patientID) }
            for s in list {
                touchedPatients.insert(s.patientID)
                guard !s.patientID.contains(where: \.isWhitespace), !s.patientID.isEmpty,
                    let now = VerificationCache.tail(of: store.dayPath(day) + "/" + s.id + ".jsonl"),
                    now.length == s.journalBytes
                else { continue }
                new.journals[rel + s.id + ".jsonl"] = .init(
                    length: now.length, tail: now.digest, patientID: s.patientID, ref: s.ref)
            }
            if let index = VerificationCache.whole(store.dayPath(day) + "/index.json") {
                new.files[rel + "index.json"] = index
            }
        }
        counts = (
            unchangedDays.count + verified.count,
            verified.values.reduce(0) { $0 + $1.count } + cachedByDay.values.reduce(0) { $0 + $1.count }
        )

        let journal = "patients/journal.jsonl"
        let directory = "patients/directory.bin"
        // The patient journal only grows: if the part the last check verified is byte for byte the
        // same and the snapshot is the one it left, only the lines added since are read.
        let prefixSame =
            old.files[journal].map { VerificationCache.prefix(of: store.patientJournal, length: $0.length) == $0 }
            ?? false
        let snapshotSame =
            old.files[directory] != nil && VerificationCache.whole(store.directoryPath) == old.files[directory]
        if full || !prefixSame || !snapshotSame || !store.checkDirectoryTail() {
            progress("verifying the patient journal")
            try store.checkDirectory()
        }
        if let j = VerificationCache.whole(store.patientJournal) { new.files[journal] = j }
        if let d = VerificationCache.whole(store.directoryPath) { new.files[directory] = d }

        // References: what every day gives, from the cache for unchanged days.
        var refs: [String: [SessionRef]] = [:]
        for list in cachedByDay.values { for j in list { refs[j.patientID, default: []].append(j.ref) } }
        for list in verified.values { for s in list { refs[s.patientID, default: []].append(s.ref) } }
        var shards: Set<Int>?
        if !full {
            var due = Set(touchedPatients.map(Store.refShard(of:)))
            for n in 0..<Store.refShards where VerificationCache.whole(store.shardPath(n)) != old.files[shardKey(n)] {
                due.insert(n)
            }
            shards = due
        }
        store.checkRefs(refs, only: shards)
        for n in 0..<Store.refShards {
            new.files[shardKey(n)] = VerificationCache.whole(store.shardPath(n))
        }
        do {
            try store.files.replace(store.checkCachePath, with: Data(new.text.utf8))
        } catch {
            // Only a cache: the next check reads everything again.
        }
    }

    private func shardKey(_ n: Int) -> String { String(format: "patients/refs/%02x.json", n) }

    /// Reads and decodes journals on every core. Only journals that read clean come back; the
    /// ordered pass repairs the rest exactly as before.
    static func decodeInParallel(
        _ jobs: [(path: String, id: String)], files: DurableFiles,
        progress: @escaping @Sendable (String) -> Void
    ) -> [String: SessionSummary] {
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let results = Results()
        let total = jobs.count
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let decoder = JSONCoding.decoder()
            var local: [String: SessionSummary] = [:]
            var i = w
            while i < total {
                let job = jobs[i]
                if let data = try? files.read(job.path, limit: Store.maxJournalBytes),
                    let summary = summarize(id: job.id, data: data, decoder: decoder)
                {
                    local[job.path] = summary
                }
                if i % 2000 == 0 { progress("decoded \(i) of \(total) session journals") }
                i += workers
            }
            results.merge(local)
        }
        return results.value
    }

    /// The summary of a journal that reads clean to its end, or nil.
    static func summarize(id: String, data: Data, decoder: JSONDecoder) -> SessionSummary? {
        let scan = JournalScan(data)
        guard scan.clean, !scan.entries.isEmpty else { return nil }
        var state = SessionState(id: id)
        for entry in scan.entries {
            guard let event = try? decoder.decode(SessionEvent.self, from: entry.payload), event.seq == entry.seq else {
                return nil
            }
            state = state.evolve(event)
        }
        return SessionSummary(state: state, journalBytes: scan.goodLength)
    }

    private final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var all: [String: SessionSummary] = [:]
        func merge(_ part: [String: SessionSummary]) { lock.withLock { all.merge(part) { a, _ in a } } }
        var value: [String: SessionSummary] { lock.withLock { all } }
    }
}

extension Store {
    var checkCachePath: String { root + "/check-cache.txt" }
}
