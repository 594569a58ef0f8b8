import ChairsideCore
import Foundation

/// How `check` spends its time. Incremental (the default): days whose journals and index are
/// exactly as the last check left them (`VerificationCache`) are not read again, nor is an
/// unchanged patient journal, nor a reference shard nobody touched. `--full`: the cache is
/// ignored and every journal is decoded, spread over every core first, then verified in order.
/// Only what a check read without a finding is recorded as verified: damage, a broken chain, lines
/// from before the chain or an anchor that no longer matches are read (and named) by every check.
final class CheckPlan {
    let store: Store
    let full: Bool
    private let old: VerificationCache
    private var new = VerificationCache()
    private var unchangedDays: Set<ClinicDay> = []
    /// Each unchanged day's journals as the cache knows them.
    private var cachedByDay: [ClinicDay: [VerificationCache.Journal]] = [:]

    /// Sessions and days the check covered, for its summary line.
    private(set) var counts = (days: 0, sessions: 0)

    init(_ store: Store, full: Bool) {
        self.store = store
        self.full = full
        old = full ? VerificationCache() : VerificationCache(contentsOf: store.checkCachePath)
        for path in old.journals.keys { cachedPerDay[String(path.prefix(16)), default: 0] += 1 }
    }

    /// How many journals the cache has per day ("days/2026-11-21/"), to notice one that vanished.
    private var cachedPerDay: [String: Int] = [:]

    /// Decides which days need reading; in a full check, decodes every journal in parallel first.
    func prepare(days: [ClinicDay]) {
        var jobs: [(path: String, id: String)] = []
        let listings = days.map { day in
            let dir = store.dayPath(day)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            return (
                day, dir, names.filter { $0.hasSuffix(".jsonl") && !$0.hasPrefix(".") }.map { String($0.dropLast(6)) }
            )
        }
        // Every journal's length, digest and head, on every core: reading and hashing them is most
        // of a daily check's time.
        let digests =
            full
            ? [:] : Self.digestInParallel(listings.flatMap { l in l.2.map { l.1 + "/" + $0 + ".jsonl" } })
        for (day, dir, ids) in listings {
            if full {
                jobs += ids.map { (dir + "/" + $0 + ".jsonl", $0) }
                continue
            }
            let rel = "days/\(day)/"
            let index = VerificationCache.whole(dir + "/index.json")
            guard !ids.isEmpty, index != nil, old.files[rel + "index.json"] == index else { continue }
            var known: [VerificationCache.Journal] = []
            for id in ids {
                let path = dir + "/" + id + ".jsonl"
                guard let entry = old.journals[rel + id + ".jsonl"],
                    let now = digests[path],
                    now.length == entry.length, now.digest == entry.tail,
                    (now.head ?? (try? store.lastLineHash(path, length: now.length))) == entry.head
                else { break }
                known.append(entry)
            }
            guard known.count == ids.count, cachedPerDay[rel] == ids.count else { continue }
            unchangedDays.insert(day)
            cachedByDay[day] = known
            for id in ids { new.journals[rel + id + ".jsonl"] = old.journals[rel + id + ".jsonl"] }
            new.files[rel + "index.json"] = index
        }
        // What the last check verified of each journal: a journal now shorter lost acknowledged lines.
        let known = full ? VerificationCache(contentsOf: store.checkCachePath) : old
        for (path, entry) in known.journals { store.recordedJournalBytes[store.root + "/" + path] = entry.length }
        if let patients = known.files["patients/journal.jsonl"] {
            store.recordedJournalBytes[store.patientJournal] = patients.length
        }
        if full { store.prechecked = Self.decodeInParallel(jobs, files: store.files) }
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
                    !store.reported.contains(rel + s.id + ".jsonl"), let head = s.head,
                    let now = VerificationCache.journal(store.dayPath(day) + "/" + s.id + ".jsonl"),
                    now.length == s.journalBytes, now.head == nil || now.head == head
                else { continue }
                new.journals[rel + s.id + ".jsonl"] = .init(
                    length: now.length, tail: now.digest, head: head, patientID: s.patientID, ref: s.ref)
            }
            if !store.reported.contains(rel + "index.json"),
                let index = VerificationCache.whole(store.dayPath(day) + "/index.json")
            {
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
            try store.checkDirectory()
        }
        if !store.reported.contains(journal), let j = VerificationCache.whole(store.patientJournal) {
            new.files[journal] = j
        }
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
        try checkRecall(verified: verified)
        do {
            try store.files.replace(store.checkCachePath, with: Data(new.text.utf8))
        } catch {
            // Only a cache: the next check reads everything again.
        }
    }

    /// The recall index (`lots/recall/*.txt`, one file per lot, appended as sessions record lots).
    /// Rebuilt from every day's sessions, unless the last check recorded it and every file it
    /// recorded still begins with the bytes it had then (appends since are how it grows): then only
    /// the days this check read again are added. A full check always rebuilds it.
    func checkRecall(verified: [ClinicDay: [SessionSummary]]) throws(StoreError) {
        let folder = store.recallFolder
        let recorded = old.files.filter { $0.key.hasPrefix("lots/recall/") && $0.key.hasSuffix(".txt") }
        let intact =
            !full && old.files[Self.recallMark] != nil
            && recorded.allSatisfy {
                VerificationCache.prefix(of: store.root + "/" + $0.key, length: $0.value.length) == $0.value
            }
        if intact {
            try store.addRecallUses(of: verified.values.flatMap { $0 })
        } else {
            try store.rebuildRecallIndex()
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter {
            $0.hasSuffix(".txt")
        }
        for name in names {
            new.files["lots/recall/" + name] = VerificationCache.whole(folder + "/" + name)
        }
        new.files[Self.recallMark] = VerificationCache.File(length: names.count, digest: "recorded")
    }

    /// Says the cache records the recall index (a cache from before it did not).
    static let recallMark = "lots/recall/"

    private func shardKey(_ n: Int) -> String { String(format: "patients/refs/%02x.json", n) }

    /// `VerificationCache.journal` of every path, on every core (left out where it cannot be read).
    static func digestInParallel(_ paths: [String]) -> [String: (length: Int, digest: String, head: String?)] {
        inParallel(paths, context: {}, work: { _, path in (path, VerificationCache.journal(path)) })
    }

    /// Reads and decodes journals on every core. Only journals that read clean come back; the
    /// ordered pass repairs the rest exactly as before.
    static func decodeInParallel(_ jobs: [(path: String, id: String)], files: DurableFiles)
        -> [String: SessionSummary]
    {
        inParallel(
            jobs, context: { JSONCoding.decoder() },
            work: { decoder, job in
                let data = try? files.read(job.path, limit: Store.maxJournalBytes)
                return (job.path, data.flatMap { summarize(id: job.id, data: $0, decoder: decoder) })
            })
    }

    /// `work` on every item, the items dealt out to one worker per core, each worker with a context of
    /// its own (a decoder); the results keyed by path, nil results left out.
    private static func inParallel<Item: Sendable, Context, Value>(
        _ items: [Item], context: @Sendable () -> Context,
        work: @Sendable (Context, Item) -> (path: String, value: Value?)
    ) -> [String: Value] {
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let results = Results<Value>()
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let context = context()
            var local: [String: Value] = [:]
            var i = w
            while i < items.count {
                let (path, value) = work(context, items[i])
                if let value { local[path] = value }
                i += workers
            }
            results.merge(local)
        }
        return results.value
    }

    /// The summary of a journal with nothing to report, or nil: every line's own check holds, the
    /// hash chain is unbroken from the genesis to its head (no line from before the chain), the
    /// lines are in sequence and each decodes. Anything else goes to the ordered pass, which salvages
    /// every intact line, names the damaged ones and repairs (`Store.recoverJournal`).
    static func summarize(id: String, data: Data, decoder: JSONDecoder) -> SessionSummary? {
        let scan = JournalScan(data)
        guard scan.clean, scan.chainBreaks.isEmpty, scan.preChainLines == 0, !scan.entries.isEmpty else {
            return nil
        }
        var state = SessionState(id: id)
        var expected = scan.entries[0].seq
        for entry in scan.entries {
            guard entry.seq == expected, let event = try? decoder.decode(SessionEvent.self, from: entry.payload),
                event.seq == entry.seq
            else { return nil }
            expected += 1
            state.record(event)
        }
        guard var summary = SessionSummary(state: state, journalBytes: scan.goodLength) else { return nil }
        summary.head = scan.head
        summary.acknowledgedBytes = scan.goodLength  // every line intact: all of it was written and kept
        return summary
    }

    private final class Results<Value>: @unchecked Sendable {
        private let lock = NSLock()
        private var all: [String: Value] = [:]
        func merge(_ part: [String: Value]) { lock.withLock { all.merge(part) { a, _ in a } } }
        var value: [String: Value] { lock.withLock { all } }
    }
}

extension Store {
    var checkCachePath: String { root + "/check-cache.txt" }
}
