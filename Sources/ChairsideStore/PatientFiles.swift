import ChairsideCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The patient side of the store, built so opening costs nothing however old the clinic is:
///
///     patients/journal.jsonl      every patient record, appended (the truth, JSON lines)
///     patients/directory.bin      the directory as a `CompactDirectory` (derived), read a page at a time
///     patients/refs/00.json…ff.json   each patient's session references (derived), 256 shards by ID;
///                                 a missing shard is an empty one once `refs/complete` exists
///
/// Nothing here is read when the store opens. The directory is opened at the first search (or
/// `loadDirectory()`); patients recorded after the snapshot are replayed from the journal's tail.
/// A patient's references are read from their one shard when a history opens.
struct PatientStoreState {
    var directory: PatientDirectory?
    /// How much of the patient journal the directory holds, and its last sequence number.
    var journalBytes = 0
    var lastSeq = 0
    /// Why the directory could not be opened, when the lazy `directory` had to fall back to empty.
    var loadError: StoreError?
    /// The reference shards exist (checked once per store).
    var refsReady = false
    /// `patients/directory.bin` exists with a stamp this store read or wrote.
    var snapshotOnDisk = false
    /// A read-only store whose shards are missing or unreadable: every reference, worked out in memory
    /// (it never writes them).
    var memoryRefs: [String: [SessionRef]]?
    /// What the last full read of the journal (or `patients/damage.json`) said was damaged.
    var damage: PatientDamageFile?
}

extension Store {
    static let refShards = 256
    /// Patients replayed from the journal's tail before the snapshot is rewritten.
    static let overlayLimit = 64

    var directoryPath: String { "\(root)/patients/directory.bin" }
    var refsPath: String { "\(root)/patients/refs" }

    // MARK: directory

    /// The patient directory. Opened on first use, so the console's first frame never waits for
    /// it; a console that wants the first search instant calls `loadDirectory()` after that frame.
    /// If it cannot be opened it is empty and `directoryError` says why.
    public var directory: PatientDirectory {
        if let d = patientState.directory { return d }
        // A writer's store repairs the patient journal when it first reads it (as it would have at
        // open); a reader's never writes.
        let wasRepairing = repairing
        repairing = access != .read
        defer { repairing = wasRepairing }
        do throws(StoreError) {
            try loadDirectory()
        } catch {
            patientState.loadError = error
            patientState.directory = PatientDirectory()
        }
        return patientState.directory ?? PatientDirectory()
    }

    /// Before a search in a long-running console: another process (`import-history`, another
    /// command, a replica pull) may have added patients since the directory was built. Comparing the
    /// journal's size with what the directory holds costs one stat; when it grew, the new lines are
    /// replayed from the tail. A tail that does not read clean (a line still being written) is left
    /// for the next search; a journal that shrank is read again as at opening.
    public func refreshDirectoryIfJournalGrew() {
        guard var dir = patientState.directory, files.kind(patientJournal) == "file",
            let size = files.size(patientJournal), size != patientState.journalBytes
        else { return }
        let stamp = CompactDirectory.Stamp(journalBytes: patientState.journalBytes, lastSeq: patientState.lastSeq)
        guard size > stamp.journalBytes else {
            patientState.directory = nil
            _ = directory
            return
        }
        guard let tail = journalTail(after: stamp), tail.stamp.journalBytes <= size else { return }
        for patient in tail.patients { dir.upsert(patient) }
        install(dir, stamp: tail.stamp)
        if access != .read { compactDirectoryIfDue() }
    }

    /// Why the directory is empty when it should not be: the error its opening met.
    public var directoryError: StoreError? { patientState.loadError }

    /// Opens the directory now: opens the snapshot, replays patients recorded after it (their lines'
    /// checks and hash chain verified), and otherwise reads the whole journal with salvage (every
    /// intact line kept, damage named; repaired only when writing). The snapshot is written only
    /// by a store opened for writing.
    public func loadDirectory(holdingLock: Bool = false) throws(StoreError) {
        let folder = root + "/patients"
        if let kind = files.kind(folder), kind != "folder" {
            try hostile(folder, kind: kind)
            guard repairing else {
                // Never read through it (a link would lead out of the store).
                install(PatientDirectory(), stamp: .init(journalBytes: 0, lastSeq: 0))
                return
            }
            try files.makeDirectory(folder)
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        where name.hasPrefix(".") && name.contains(".tmp-") {
            removeIfStale(folder + "/" + name)
        }
        if let kind = files.kind(patientJournal), kind != "file" { try hostile(patientJournal, kind: kind) }
        let journalSize = files.kind(patientJournal) == "file" ? (files.size(patientJournal) ?? 0) : 0
        var snapshot: CompactDirectory?
        if let kind = files.kind(directoryPath) {
            if kind != "file" {
                try hostile(directoryPath, kind: kind)
            } else {
                let pages = try? files.openPages(directoryPath, limit: Self.maxIndexBytes)
                snapshot = pages.flatMap(CompactDirectory.init(source:))
                // A snapshot of an earlier layout is only out of date: it is rebuilt, not quarantined.
                let earlier =
                    snapshot == nil
                    && ((try? files.readPrefix(directoryPath, count: 8)).map {
                        CompactDirectory.isEarlierLayout($0.data)
                    }
                        ?? false)
                if snapshot == nil && repairing && !earlier {
                    try quarantine(directoryPath, reason: "unreadable patient directory")
                }
            }
        }
        // A journal shorter than its last append acknowledged lost lines: read it whole, which names them.
        // Its last line is checked against the mark's hash too (one small read): a patient line that rotted
        // there is found at this start, not only by `check`. Lines before it are `check`'s (the start is
        // constant-time: it never reads the whole journal when the snapshot covers it).
        let mark = readMark(of: patientJournal)
        let lostLines =
            mark.map { $0.bytes > journalSize || ($0.bytes == journalSize && lastLineChanged(from: $0)) } ?? false
        if let snapshot, snapshot.stamp.journalBytes == journalSize, !lostLines {
            install(PatientDirectory(snapshot: snapshot), stamp: snapshot.stamp)
            patientState.snapshotOnDisk = true
            return
        }
        if let snapshot, !lostLines, snapshot.stamp.journalBytes < journalSize,
            let tail = journalTail(after: snapshot.stamp),
            tail.stamp.journalBytes == journalSize
        {
            var dir = PatientDirectory(snapshot: snapshot, overlay: tail.patients)
            if dir.overlayCount > Self.overlayLimit {
                dir = PatientDirectory(snapshot: dir.compacted(stamp: tail.stamp))
                writeDirectory(dir.snapshot)
            }
            install(dir, stamp: tail.stamp)
            patientState.snapshotOnDisk = true
            return
        }
        // The snapshot's stamp is what the store recorded of the journal: a shorter journal lost lines.
        let rebuilt = try patientsFromJournal(holdingLock: holdingLock, recorded: snapshot?.stamp.journalBytes)
        let stamp = CompactDirectory.Stamp(journalBytes: rebuilt.journalBytes, lastSeq: rebuilt.lastSeq)
        let dir = PatientDirectory(snapshot: CompactDirectory(patients: rebuilt.patients, stamp: stamp))
        if snapshot != nil || journalSize > 0 { report.add(.indexRebuilt(path: "patients/directory.bin")) }
        install(dir, stamp: stamp)
        if journalSize > 0 { writeDirectory(dir.snapshot) }
    }

    /// After a patient is saved: the first one writes the snapshot; later ones only when enough
    /// have piled up since, so a save stays one journal line and one fsync.
    func compactDirectoryIfDue() {
        guard let dir = patientState.directory, !patientState.snapshotOnDisk || dir.overlayCount > Self.overlayLimit
        else { return }
        let stamp = CompactDirectory.Stamp(journalBytes: patientState.journalBytes, lastSeq: patientState.lastSeq)
        let compact = PatientDirectory(snapshot: dir.compacted(stamp: stamp))
        patientState.directory = compact
        writeDirectory(compact.snapshot)
    }

    func install(_ dir: PatientDirectory, stamp: CompactDirectory.Stamp) {
        patientState.directory = dir
        patientState.journalBytes = stamp.journalBytes
        patientState.lastSeq = stamp.lastSeq
        patientState.loadError = nil
    }

    /// The patients after `stamp`, if the journal's tail from there has nothing to report: every
    /// line's own check holds, each chains to the one before (the first to the line the snapshot
    /// ends on) and follows its sequence number. Nil sends the caller to the full read of the
    /// journal, which salvages every intact line, names the damaged ones and repairs when writing.
    func journalTail(after stamp: CompactDirectory.Stamp) -> (patients: [Patient], stamp: CompactDirectory.Stamp)? {
        guard let prev = try? lastLineHash(patientJournal, length: stamp.journalBytes),
            let data = try? files.read(patientJournal, from: stamp.journalBytes, limit: Self.maxPatientJournalBytes)
        else { return nil }
        let scan = JournalScan(data, prev: prev)
        guard scan.clean, scan.chainBreaks.isEmpty, scan.preChainLines == 0, !scan.entries.isEmpty else {
            return nil
        }
        var patients: [Patient] = []
        var expected = stamp.lastSeq + 1
        for entry in scan.entries {
            guard entry.seq == expected, let p = try? decoder.decode(Patient.self, from: entry.payload) else {
                return nil
            }
            expected += 1
            patients.append(p)
        }
        return (patients, .init(journalBytes: stamp.journalBytes + scan.goodLength, lastSeq: expected - 1))
    }

    func writeDirectory(_ snapshot: CompactDirectory) {
        guard access != .read else { return }
        do {
            try files.replace(directoryPath, with: snapshot.bytes)
            patientState.snapshotOnDisk = true
        } catch {
            indexWarning = "The patient directory could not be saved (\(error)); it will be rebuilt at the next start."
        }
    }

    /// `check`: reads the whole patient journal again and rewrites the snapshot when it does not
    /// say the same. A snapshot that is only behind the journal is normal (see `loadDirectory`).
    func checkDirectory() throws(StoreError) {
        if let kind = files.kind(directoryPath), kind != "file" { try hostile(directoryPath, kind: kind) }
        let have = (try? files.read(directoryPath, limit: Self.maxIndexBytes)).flatMap(CompactDirectory.init(bytes:))
        let rebuilt = try patientsFromJournal(recorded: have?.stamp.journalBytes)
        let stamp = CompactDirectory.Stamp(journalBytes: rebuilt.journalBytes, lastSeq: rebuilt.lastSeq)
        let want = CompactDirectory(patients: rebuilt.patients, stamp: stamp)
        if have?.bytes != want.bytes && rebuilt.journalBytes > 0 {
            let behind =
                have.map { $0.stamp.journalBytes < stamp.journalBytes && $0.stamp.lastSeq < stamp.lastSeq } ?? false
            if !behind { report.add(.indexRebuilt(path: "patients/directory.bin")) }
            writeDirectory(want)
        }
        install(PatientDirectory(snapshot: want), stamp: stamp)
    }

    /// `check` when the journal up to the snapshot is as the last check verified it: reads only the
    /// lines after the snapshot. False when they do not read clean (the full check then repairs).
    func checkDirectoryTail() -> Bool {
        guard
            let snapshot = (try? files.openPages(directoryPath, limit: Self.maxIndexBytes)).flatMap(
                CompactDirectory.init(source:))
        else { return false }
        let size = files.size(patientJournal) ?? 0
        if snapshot.stamp.journalBytes == size {
            install(PatientDirectory(snapshot: snapshot), stamp: snapshot.stamp)
            return true
        }
        guard snapshot.stamp.journalBytes < size, let tail = journalTail(after: snapshot.stamp),
            tail.stamp.journalBytes == size
        else { return false }
        install(PatientDirectory(snapshot: snapshot, overlay: tail.patients), stamp: tail.stamp)
        if tail.patients.count > Self.overlayLimit { compactDirectoryIfDue() }
        return true
    }

    // MARK: session references

    /// A patient's sessions, oldest first: read from their shard, so as fresh as the disk.
    public func history(of patientID: String) -> [SessionRef] {
        if access == .read { return readOnlyHistory(of: patientID) }
        guard ensureRefs() else { return [] }
        let shard = Self.refShard(of: patientID)
        guard let refs = readShard(shard) else {
            // A shard gone or unreadable: every shard is rebuilt from the day indexes.
            rebuildRefs(reason: String(format: "patients/refs/%02x.json", shard))
            return readShard(shard)?[patientID] ?? []
        }
        return refs[patientID] ?? []
    }

    /// A reader never writes the shards nor migrates the old index: it reads the shard when the set
    /// is whole, and otherwise works every reference out in memory (from the old index, else the days).
    private func readOnlyHistory(of patientID: String) -> [SessionRef] {
        if patientState.memoryRefs == nil, FileManager.default.fileExists(atPath: refsCompletePath),
            let refs = readShard(Self.refShard(of: patientID))
        {
            return refs[patientID] ?? []
        }
        if patientState.memoryRefs == nil {
            if let data = try? files.read(root + "/patients/index.json", limit: Self.maxIndexBytes),
                let old = try? decoder.decode(LegacyPatientIndex.self, from: data)
            {
                patientState.memoryRefs = old.sessions
            } else {
                patientState.memoryRefs = (try? rebuildSessionRefs()) ?? [:]
            }
        }
        return Self.ordered(patientState.memoryRefs?[patientID] ?? [])
    }

    static func refShard(of patientID: String) -> Int {
        var h: UInt32 = 2_166_136_261
        for b in patientID.utf8 { h = (h ^ UInt32(b)) &* 16_777_619 }
        return Int(h % UInt32(refShards))
    }

    func shardPath(_ n: Int) -> String { refsPath + "/" + String(format: "%02x.json", n) }

    var refsCompletePath: String { refsPath + "/complete" }

    /// A shard's references; empty when it was never written, nil when it cannot be read.
    func readShard(_ n: Int) -> [String: [SessionRef]]? {
        let data: Data
        do {
            data = try files.read(shardPath(n), limit: Self.maxIndexBytes)
        } catch {
            if case .io(_, _, ENOENT) = error { return [:] }
            return nil
        }
        return try? decoder.decode([String: [SessionRef]].self, from: data)
    }

    private func writeShard(_ n: Int, _ refs: [String: [SessionRef]]) throws(StoreError) {
        let data: Data
        do { data = try encoder.encode(refs) } catch {
            throw .corrupt(path: files.display(shardPath(n)), reason: "\(error)")
        }
        try files.replace(shardPath(n), with: data)
    }

    static func ordered(_ refs: [SessionRef]) -> [SessionRef] {
        refs.sorted { ($0.startedAt, $0.sessionID) < ($1.startedAt, $1.sessionID) }
    }

    /// Records references (a session started, or changed status). Each shard is read and rewritten
    /// under a lock, so two consoles never lose each other's. False (with `indexWarning` set) when
    /// a shard could not be saved: the caller then leaves the day index stale, so the next reader
    /// re-reads the journal and records the reference again.
    @discardableResult
    func recordRefs(_ updates: [(patientID: String, ref: SessionRef)]) -> Bool {
        guard !updates.isEmpty else { return true }
        guard access != .read, ensureRefs() else { return false }
        do throws(StoreError) {
            try withRefsLock { () throws(StoreError) in
                for (shard, group) in Dictionary(grouping: updates, by: { Self.refShard(of: $0.patientID) }) {
                    guard var refs = readShard(shard) else {
                        throw .corrupt(path: files.display(shardPath(shard)), reason: "unreadable")
                    }
                    for (patientID, ref) in group {
                        var list = refs[patientID] ?? []
                        list.removeAll { $0.sessionID == ref.sessionID }
                        list.append(ref)
                        refs[patientID] = Self.ordered(list)
                    }
                    try writeShard(shard, refs)
                }
            }
            return true
        } catch {
            indexWarning =
                "The session references could not be saved (\(error)); they will be rebuilt from the day indexes."
            return false
        }
    }

    private func withRefsLock(_ body: () throws(StoreError) -> Void) throws(StoreError) {
        let path = refsPath + "/.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, DurableFiles.fileMode)
        guard fd >= 0 else { throw files.fail("open", path) }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw files.fail("lock", path) }
        try body()
    }

    /// Makes sure the shards exist: a store from before them (or one that lost them) gets them
    /// from the old `patients/index.json` if it reads, else from every day index.
    @discardableResult
    func ensureRefs() -> Bool {
        if patientState.refsReady { return true }
        guard access != .read else { return false }
        if FileManager.default.fileExists(atPath: refsCompletePath) {
            patientState.refsReady = true
            return true
        }
        let legacy = root + "/patients/index.json"
        if let data = try? files.read(legacy, limit: Self.maxIndexBytes),
            let old = try? decoder.decode(LegacyPatientIndex.self, from: data), writeAllShards(old.sessions)
        {
            try? files.remove(legacy)
            patientState.refsReady = true
            return true
        }
        rebuildRefs(reason: nil)
        return patientState.refsReady
    }

    /// Rebuilds every shard from the day indexes (journals are read where those are stale).
    func rebuildRefs(reason: String?) {
        guard access != .read, let refs = try? rebuildSessionRefs() else { return }
        if writeAllShards(refs) {
            if let reason { report.add(.indexRebuilt(path: reason)) }
            patientState.refsReady = true
        }
    }

    private func writeAllShards(_ refs: [String: [SessionRef]]) -> Bool {
        do throws(StoreError) {
            try files.makeDirectory(refsPath)
            var shards = [[String: [SessionRef]]](repeating: [:], count: Self.refShards)
            for (patientID, list) in refs { shards[Self.refShard(of: patientID)][patientID] = Self.ordered(list) }
            for n in 0..<Self.refShards where !shards[n].isEmpty || FileManager.default.fileExists(atPath: shardPath(n))
            {
                try writeShard(n, shards[n])
            }
            // Written last: it says the set is whole.
            try files.replace(refsCompletePath, with: Data())
            return true
        } catch {
            indexWarning =
                "The session references could not be saved (\(error)); they will be rebuilt at the next start."
            return false
        }
    }

    /// `check`: every shard must hold exactly the references the day indexes give; those that do
    /// not are rewritten (and reported). `only`: the shards to look at (an incremental check).
    func checkRefs(_ refs: [String: [SessionRef]], only: Set<Int>? = nil) {
        var shards = [[String: [SessionRef]]](repeating: [:], count: Self.refShards)
        for (patientID, list) in refs { shards[Self.refShard(of: patientID)][patientID] = Self.ordered(list) }
        let hadShards = FileManager.default.fileExists(atPath: refsPath)
        do throws(StoreError) {
            try files.makeDirectory(refsPath)
            for n in 0..<Self.refShards where only?.contains(n) ?? true && readShard(n) != shards[n] {
                if hadShards { report.add(.indexRebuilt(path: String(format: "patients/refs/%02x.json", n))) }
                try writeShard(n, shards[n])
            }
            if !FileManager.default.fileExists(atPath: refsCompletePath) {
                try files.replace(refsCompletePath, with: Data())
            }
            patientState.refsReady = true
            // The index of stores from before the shards is not read any more once they are whole.
            if FileManager.default.fileExists(atPath: root + "/patients/index.json") {
                try files.remove(root + "/patients/index.json")
            }
        } catch {
            indexWarning =
                "The session references could not be saved (\(error)); they will be rebuilt at the next start."
        }
    }
}

extension Store {
    /// The summaries of `ids` on `day` straight from its index, decoding none of the day's other
    /// entries (a history wants one session of twenty); nil when any is missing or behind its journal,
    /// and the caller takes the full path, which reads the journals.
    func indexedSummaries(_ ids: Set<String>, on day: ClinicDay) -> [SessionSummary]? {
        guard days[day] == nil, !ids.isEmpty, !files.isLink(dayPath(day)),
            let data = try? files.read(dayPath(day) + "/index.json", limit: Self.maxIndexBytes)
        else { return nil }
        let probe = JSONCoding.decoder()
        probe.userInfo[SummaryProbe.wanted] = ids
        guard let found = (try? probe.decode([SummaryProbe].self, from: data))?.compactMap(\.summary),
            Set(found.map(\.id)) == ids,
            found.allSatisfy({ files.size(dayPath(day) + "/" + $0.id + ".jsonl") == $0.journalBytes })
        else { return nil }
        return found
    }
}

/// One entry of a day index, decoded whole only when its ID is wanted.
struct SummaryProbe: Decodable {
    static let wanted = CodingUserInfoKey(rawValue: "wantedSessions")!
    var summary: SessionSummary?

    private enum Key: String, CodingKey { case id }

    init(from decoder: Decoder) throws {
        let id = try decoder.container(keyedBy: Key.self).decode(String.self, forKey: .id)
        let wanted = decoder.userInfo[Self.wanted] as? Set<String> ?? []
        summary = wanted.contains(id) ? try SessionSummary(from: decoder) : nil
    }
}

/// `patients/index.json` of stores before the directory snapshot: read once, for its references.
struct LegacyPatientIndex: Decodable {
    var sessions: [String: [SessionRef]]
}
