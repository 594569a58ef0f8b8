import ChairsideCore
import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The lot register (issue 17): `lots/journal.jsonl`, in the same line format, checksum and hash
/// chain as every other journal, folded into a `LotRegister` when read.
///
///     lots/journal.jsonl          every lot event, appended (the truth)
///     lots/recall/<key>.txt       per lot, the IDs of the sessions that recorded it (derived)
extension Store {
    static let lotJournalPath = "lots/journal.jsonl"
    var lotJournal: String { root + "/" + Self.lotJournalPath }
    var recallFolder: String { root + "/lots/recall" }

    /// The register as the journal has it now. A read: repairs nothing (a torn tail is ignored,
    /// a damaged line is skipped and named in `report`).
    public func lotRegister() throws(StoreError) -> LotRegister {
        noteJournalGone(lotJournal)
        guard (files.size(lotJournal) ?? 0) > 0 else { return LotRegister() }
        guard let scan = try recoverJournal(lotJournal, decode: { decodeLots($0).unreadable }) else {
            return LotRegister()
        }
        return LotRegister(events: decodeLots(scan).events)
    }

    /// Decides `command` against the register as on disk (under the journal's lock, so two
    /// consoles cannot both add the same lot) and appends its events durably.
    @discardableResult
    public func recordLot(_ command: LotCommand, by: String, now: Date) throws -> [LotEvent] {
        try requireWritable()
        try files.makeDirectory(root + "/lots")
        // A writer's read repairs (it holds the lock), and what it repairs stands as evidence: lines lost
        // before this append stay reported after it, and their numbers are never reused. A register deleted
        // whole is found before a new journal is created in its place.
        let wasRepairing = repairing
        repairing = access != .read
        defer { repairing = wasRepairing }
        noteJournalGone(lotJournal)
        let exists = files.kind(lotJournal) != nil
        let fd = exists ? try files.openJournal(lotJournal) : try files.createJournal(lotJournal)
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw files.fail("lock", lotJournal) }
        var register = LotRegister()
        var head = JournalLine.genesis
        var length = 0
        // Numbers up to the mark's are taken too: lost lines (or a register deleted whole) keep theirs.
        if (files.size(lotJournal) ?? 0) > 0,
            let scan = try recoverJournal(lotJournal, holdingLock: true, decode: { decodeLots($0).unreadable })
        {
            register = LotRegister(events: decodeLots(scan).events)
            register.numbersTaken(through: max(scan.lastSeq, scan.mark?.seq ?? 0))
            head = scan.head
            length = scan.goodLength
        } else {
            register.numbersTaken(through: readMark(of: lotJournal)?.seq ?? 0)
        }
        // Numbered after any line, read or damaged, so a damaged line's number is never reused.
        let events = try register.decide(command, by: by, now: now)
        let lines = try events.map { ($0.seq, try encoder.encode($0)) }
        let (data, last) = JournalLine.encodeBatch(lines, prev: head)
        do throws(StoreError) {
            try files.append(fd, data, knownLength: length, path: lotJournal)
        } catch {
            if error.isSyncFailure { try? files.truncate(lotJournal, to: length) }
            throw error
        }
        writeMark(JournalMark(bytes: length + data.count, seq: lines.last?.0 ?? 0, head: last), of: lotJournal)
        return events
    }

    /// Writes a whole register at once into a store without one (the synthetic clinic).
    public func importLots(_ events: [LotEvent]) throws {
        guard (files.size(lotJournal) ?? 0) == 0 else {
            throw StoreError.corrupt(path: Self.lotJournalPath, reason: "import needs a store without lots")
        }
        guard !events.isEmpty else { return }
        try files.makeDirectory(root + "/lots")
        var all = Data()
        var prev = JournalLine.genesis
        for e in events {
            let line = JournalLine.encode(seq: e.seq, payload: try encoder.encode(e), prev: prev)
            prev = JournalLine.hash(line)
            all.append(line)
        }
        try files.replace(lotJournal, with: all)
    }

    func decodeLots(_ scan: JournalScan) -> (events: [LotEvent], unreadable: Set<Int>) {
        var events: [LotEvent] = []
        var unreadable = Set<Int>()
        var seen = Set<Int>()
        for entry in scan.inSequence where !seen.contains(entry.seq) {
            guard let e = try? decoder.decode(LotEvent.self, from: entry.payload), e.seq == entry.seq else {
                unreadable.insert(entry.line)
                continue
            }
            seen.insert(entry.seq)
            events.append(e)
        }
        return (events, unreadable)
    }

    // MARK: recall index

    /// The file of a lot's recall entries: named by a digest of the lot's key, so any lot number
    /// (slashes, spaces, any script) makes a safe file name.
    func recallFile(_ key: String) -> String {
        let digest = SHA256.hash(data: Data(key.utf8))
        return recallFolder + "/" + JournalLine.hex(digest).prefix(32) + ".txt"
    }

    /// Adds `sessionID` to the recall files of `keys`. Called BEFORE the events that name the lots
    /// are appended: a crash between the two leaves an entry too many, which a recall drops
    /// (it keeps only sessions whose summary names the lot), never one too few.
    func noteLotUse(_ keys: [String], sessionID: String) throws(StoreError) {
        guard !keys.isEmpty else { return }
        try files.makeDirectory(root + "/lots")
        try files.makeDirectory(recallFolder)
        for key in keys {
            let path = recallFile(key)
            let fd = files.kind(path) == nil ? try files.createJournal(path) : try files.openJournal(path)
            defer { close(fd) }
            try files.append(fd, Data((sessionID + "\n").utf8), knownLength: files.size(path) ?? 0, path: path)
        }
    }

    /// Every session that recorded `lot`, oldest first, with its patient: what a recall needs.
    /// Reads the lot's recall file and the day indexes of the days it names, nothing else.
    public func recall(lot: String) throws(StoreError) -> [RecallEntry] {
        let key = LotRegister.key(lot)
        guard !key.isEmpty else { return [] }
        let path = recallFile(key)
        guard files.kind(path) == "file" else { return [] }
        let text = String(decoding: try files.read(path, limit: Self.maxIndexBytes), as: UTF8.self)
        var byDay: [ClinicDay: Set<String>] = [:]
        for line in text.split(separator: "\n") {
            let id = String(line)
            if let day = SessionID.day(of: id) { byDay[day, default: []].insert(id) }
        }
        var out: [RecallEntry] = []
        for (day, ids) in byDay.sorted(by: { $0.key < $1.key }) {
            var summaries = indexedSummaries(ids, on: day) ?? []
            if summaries.isEmpty { summaries = try sessions(on: day).filter { ids.contains($0.id) } }
            for s in summaries where s.lots.contains(key) {
                out.append(RecallEntry(summary: s, patient: directory.patient(id: s.patientID), day: day))
            }
        }
        return out.sorted { ($0.startedAt, $0.sessionID) < ($1.startedAt, $1.sessionID) }
    }

    /// Rewrites every lot's recall file from the sessions' summaries (in `check`). Files that
    /// already say the same are left alone; files of lots no session uses any more are removed.
    func rebuildRecallIndex() throws(StoreError) {
        var uses: [String: [String]] = [:]
        for day in allDays() {
            for s in try sessions(on: day, updatePatientRefs: false) {
                for key in s.lots { uses[key, default: []].append(s.id) }
            }
        }
        guard !uses.isEmpty || files.kind(recallFolder) == "folder" else { return }
        try files.makeDirectory(root + "/lots")
        try files.makeDirectory(recallFolder)
        var wanted = Set<String>()
        for (key, ids) in uses {
            let path = recallFile(key)
            wanted.insert((path as NSString).lastPathComponent)
            let data = Data(ids.sorted().map { $0 + "\n" }.joined().utf8)
            // Appends come in the order sessions recorded the lot: the same set is the same index.
            let onDisk = (try? files.read(path, limit: Self.maxIndexBytes)).map {
                Set(String(decoding: $0, as: UTF8.self).split(separator: "\n").map(String.init))
            }
            if onDisk != Set(ids) {
                if files.kind(path) == "file" { report.add(.indexRebuilt(path: files.display(path))) }
                try files.replace(path, with: data)
            }
        }
        let present = (try? FileManager.default.contentsOfDirectory(atPath: recallFolder)) ?? []
        for name in present where name.hasSuffix(".txt") && !wanted.contains(name) {
            try files.remove(recallFolder + "/" + name)
        }
    }

    /// Makes sure each of these sessions is in the recall file of every lot it recorded (the
    /// incremental check's share, for the days it read again; see `CheckPlan.checkRecall`).
    func addRecallUses(of sessions: [SessionSummary]) throws(StoreError) {
        var uses: [String: [String]] = [:]
        for s in sessions { for key in s.lots { uses[key, default: []].append(s.id) } }
        for (key, ids) in uses {
            let path = recallFile(key)
            let onDisk = (try? files.read(path, limit: Self.maxIndexBytes)).map {
                Set(String(decoding: $0, as: UTF8.self).split(separator: "\n").map(String.init))
            }
            let missing = ids.filter { !(onDisk?.contains($0) ?? false) }
            guard !missing.isEmpty else { continue }
            if onDisk != nil { report.add(.indexRebuilt(path: files.display(path))) }
            for id in missing.sorted() { try noteLotUse([key], sessionID: id) }
        }
    }

    /// `check`'s share for lots: the journal is read with repair (torn tail cut, damage named,
    /// chain verified) and the recall index rebuilt from the sessions.
    func checkLotJournal() throws(StoreError) {
        noteJournalGone(lotJournal)
        if files.kind(lotJournal) != nil {
            _ = try recoverJournal(lotJournal, decode: { decodeLots($0).unreadable })
        }
    }
}
