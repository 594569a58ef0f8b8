import ChairsideCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The embedded store: one directory, journals as the truth, indexes derived from them.
///
///     store/
///       chairside-store.json                         the marker: format version and store ID
///       days/2026-11-21/20261121-093000-ab12.jsonl   one session's journal
///       days/2026-11-21/index.json                   the day's summaries (derived)
///       patients/journal.jsonl                       every patient record, appended
///       patients/directory.bin, patients/refs/       the directory and each patient's sessions
///                                                    (derived; see PatientFiles.swift)
///       quarantine/                                  damaged files moved aside, with reports
///
/// How a store is opened.
/// - `read`: never writes anything (no repair, no index, no folder); the store must exist.
/// - `write`: the store must exist; opening repairs what a crash or damage left (today's journals,
///   the patients) and `check` repairs everything. A store from before the marker is adopted.
/// - `create`: as `write`, creating the store in a missing or empty folder.
public enum StoreAccess: Sendable, Equatable { case read, write, create }

/// Use from one thread; the terminal and the commands each own one `Store`.
public final class Store {
    /// A session's journal is tens of kilobytes; a file over this is refused from its size alone,
    /// never read (a huge junk file in a day folder costs nothing at start).
    public static let maxJournalBytes = 16 * 1_048_576
    /// The patient journal grows with the clinic (tens of thousands of patients).
    public static let maxPatientJournalBytes = 256 * 1_048_576
    public static let maxIndexBytes = 256 * 1_048_576
    public static let maxDayIndexBytes = 16 * 1_048_576

    public let root: String
    public let timeZone: TimeZone
    public let access: StoreAccess
    /// The store's ID (a UUID, from its marker): with a journal's path and a line's sequence
    /// number it names every line for a replica. Nil only for a store from before the marker
    /// opened for reading (it gets one the first time it is opened for writing).
    public private(set) var storeID: String?
    public internal(set) var report = RecoveryReport()
    /// Set when an event was recorded but a derived index could not be rewritten; it is rebuilt at the next open.
    public internal(set) var indexWarning: String?

    let files: DurableFiles
    var patientState = PatientStoreState()
    /// During a full `check`: summaries of the journals that read clean, decoded in parallel (CheckPlan).
    var prechecked: [String: SessionSummary] = [:]
    /// Days and sessions the last `check` covered.
    public internal(set) var lastCheckCounts = (days: 0, sessions: 0)
    /// During `check`: journals (store-relative) whose reading found something to report; they are
    /// never recorded as verified, so every check names them again.
    var reported: Set<String> = []
    var days: [ClinicDay: [String: SessionSummary]] = [:]
    let encoder = JSONCoding.encoder()
    let decoder = JSONCoding.decoder()
    /// True while opening for writing and during `check`: the only times anything is repaired.
    /// Listing a day or reading a session never writes (issue 13, point 5).
    var repairing = false
    /// The time a late entry's lines are stamped as written; tests pin it.
    public var writeClock: @Sendable () -> Date = { Date() }
    /// True during `check`: also reports what is only worth saying there (journals from before the chain).
    var checking = false
    /// During `check`, each journal's scan as read, so the anchor is verified without reading it again.
    var scans: [String: JournalScan]?
    /// While `init` lists today (crash recovery only; see `sessions(on:)`).
    private var opening = false
    /// Today's journals were verified whole by a listing.
    private var todayVerified = false
    /// During `check`: journal lengths the last check verified (VerificationCache), by path: a journal
    /// shorter than that lost acknowledged lines.
    var recordedJournalBytes: [String: Int] = [:]
    /// The day the store was opened on: its journals are verified whole at the first listing.
    let today: ClinicDay

    /// Opens the store. For writing (`write`, `create`) it recovers what a crash may have left in
    /// today's journals and the patient journal; for reading it changes nothing. A folder that is
    /// not a store is refused untouched. The patient directory and history are read on demand (the
    /// directory's repair, for a writer, happens when it is first used), so opening costs the same
    /// on the tenth year as on the first day.
    public init(root: String, timeZone: TimeZone, today: ClinicDay, access: StoreAccess = .create) throws(StoreError) {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        self.timeZone = timeZone
        self.access = access
        self.today = today
        files = DurableFiles(root: self.root)
        let markerKind = files.kind(self.root + "/" + StoreMarker.fileName)
        var markerMoved: String?
        storeID = try StoreMarker.open(self.root, files: files, access: access, movedTo: &markerMoved)
        if let markerKind, markerKind != "file" {
            report.add(.notAFile(path: StoreMarker.fileName, kind: markerKind, movedTo: markerMoved))
        }
        repairing = access != .read
        defer { repairing = false }
        if repairing {
            try makeStoreFolders()
        } else {
            for sub in ["days", "quarantine"] {
                if let kind = files.kind(self.root + "/" + sub), kind != "folder" {
                    report.add(.notAFile(path: sub, kind: kind, movedTo: nil))
                }
            }
        }
        opening = true
        defer { opening = false }
        _ = try sessions(on: today)
    }

    /// days/, patients/ and quarantine/, 0700; anything else in their place is moved aside first.
    func makeStoreFolders() throws(StoreError) {
        for sub in ["quarantine", "days", "patients"] {
            let path = root + "/" + sub
            if let kind = files.kind(path), kind != "folder" {
                if sub == "quarantine" {
                    let aside = root + "/quarantine-aside-" + Self.stamp()
                    try files.move(path, to: aside)
                    report.add(.notAFile(path: sub, kind: kind, movedTo: files.display(aside)))
                } else {
                    try hostile(path, kind: kind)
                }
            }
            try files.makeDirectory(path)
        }
    }

    /// Something that is not a regular file (or folder) where the store expects one: reported,
    /// never read; moved to quarantine when repairing.
    func hostile(_ path: String, kind: String) throws(StoreError) {
        var moved: String?
        if repairing, files.kind(root + "/quarantine") == "folder" {
            let name = quarantineName(path)
            try files.move(path, to: root + "/" + name)
            moved = name
            let note = try writeQuarantineReport(
                for: name, was: files.display(path), kind: kind,
                why: "a \(kind) where the store expects a regular file or its own folder; it was never read")
            report.add(.quarantineReport(path: files.display(path), report: note))
        }
        let found = RecoveryReport.Finding.notAFile(path: files.display(path), kind: kind, movedTo: moved)
        report.add(found)
        // A journal moved aside is recorded lines gone from the indexes: standing until accepted.
        let rel = files.display(path)
        if moved != nil, StoreJournals.isJournalPath(rel) {
            recordStanding(found)
            moveMarkAlong(of: path, journalMovedTo: nil)  // the move itself stands (above)
        }
    }

    func requireWritable() throws(StoreError) {
        if access == .read { throw .readOnly }
    }

    // MARK: paths

    func dayPath(_ day: ClinicDay) -> String { "\(root)/days/\(day)" }

    func journalPath(_ id: String) throws(StoreError) -> (day: ClinicDay, path: String) {
        guard let day = SessionID.day(of: id) else { throw .invalidSessionID(id) }
        return (day, "\(dayPath(day))/\(id).jsonl")
    }

    var patientJournal: String { "\(root)/patients/journal.jsonl" }

    // MARK: patients

    /// Records a new or edited patient durably; a new patient gets an ID here.
    @discardableResult
    public func savePatient(_ input: Patient) throws -> Patient {
        try appendPatient(input, validating: true)
    }

    /// `validating` false: a merge line, which copies a record as it is (its chart number may be
    /// another room's, already used here) and only sets the merge fields.
    func appendPatient(_ input: Patient, validating: Bool) throws -> Patient {
        var patient = input
        patient.name = patient.name.trimmingCharacters(in: .whitespaces)
        patient.chartNumber = patient.chartNumber.trimmingCharacters(in: .whitespaces)
        if patient.id.isEmpty { patient.id = "p-" + Self.randomHex(8) }
        try requireWritable()
        if validating { try directory.validate(patient) }
        let exists = FileManager.default.fileExists(atPath: patientJournal)
        let fd = exists ? try files.openJournal(patientJournal) : try files.createJournal(patientJournal)
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw files.fail("lock", patientJournal) }
        var length = files.size(patientJournal) ?? 0
        if length != patientState.journalBytes {
            // Another console added patients since we loaded: catch up (under the lock) before numbering
            // ours. We hold the journal's lock, so this is a writer's open: a torn tail is cut (copy kept).
            let wasRepairing = repairing
            repairing = true
            defer { repairing = wasRepairing }
            try loadDirectory(holdingLock: true)
            length = files.size(patientJournal) ?? 0
            if validating { try directory.validate(patient) }
            if patientState.journalBytes < length {
                // A torn tail left by a crashed writer; we hold the lock, so cut it before appending.
                try files.truncate(patientJournal, to: patientState.journalBytes)
                length = patientState.journalBytes
            }
        }
        // After any number the journal's mark holds: a patient line lost from the end keeps its number.
        let seq = max(patientState.lastSeq, readMark(of: patientJournal)?.seq ?? 0) + 1
        let prev = try lastLineHash(patientJournal, length: length)
        let line = JournalLine.encode(seq: seq, payload: try encoder.encode(patient), prev: prev)
        do throws(StoreError) {
            try files.append(fd, line, knownLength: length, path: patientJournal)
        } catch {
            // After a failed sync the descriptor is no longer trusted: cut back to what was recorded through a fresh one.
            if error.isSyncFailure { try? files.truncate(patientJournal, to: length) }
            throw error
        }
        writeMark(
            JournalMark(bytes: length + line.count, seq: seq, head: JournalLine.hash(line)), of: patientJournal)
        // The snapshot is rarely rewritten: the next opening replays this line from the journal's tail.
        patientState.lastSeq = seq
        patientState.journalBytes = length + line.count
        patientState.directory?.upsert(patient)
        compactDirectoryIfDue()
        return patient
    }

    /// The hash of the journal's line ending at `length` (the next line's `prev`), from its tail.
    func lastLineHash(_ path: String, length: Int) throws(StoreError) -> String {
        guard length > 0 else { return JournalLine.genesis }
        let tail = try files.tail(path, length: length, count: JournalLine.maxLength + 2)
        let body = tail.dropLast()
        if let nl = body.lastIndex(of: 0x0A) { return JournalLine.hash(tail[(nl + 1)...]) }
        if tail.count == length { return JournalLine.hash(tail) }
        // A last line longer than any line the store writes: hash it from the whole file.
        return JournalScan(try files.read(path, limit: Self.limit(path))).head
    }

    /// A temporary file (`.NAME.tmp-PID`) is never read as data. Once its writer is gone it is a
    /// leftover of a crash: it is removed (when repairing) so such files do not pile up.
    func removeIfStale(_ path: String) {
        guard repairing, let pid = Int32(path.split(separator: "-").last ?? ""), pid > 0 else { return }
        guard pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH else { return }
        report.add(.leftoverTempFile(path: files.display(path)))
        try? files.remove(path)
    }

    // MARK: days

    public func allDays() -> [ClinicDay] {
        guard files.kind(root + "/days") == "folder" else { return [] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "/days")) ?? []
        return names.compactMap(ClinicDay.init(string:)).sorted()
    }

    /// The day's sessions, oldest first. Stale or missing summaries are rebuilt from the journals.
    public func sessions(on day: ClinicDay) throws(StoreError) -> [SessionSummary] {
        try sessions(on: day, updatePatientRefs: true)
    }

    func sessions(on day: ClinicDay, updatePatientRefs: Bool, trustIndex: Bool = true) throws(StoreError)
        -> [SessionSummary]
    {
        let dir = dayPath(day)
        switch files.kind(dir) {
        case nil: return []
        case "folder": break
        case let kind?:
            if days[day] == nil { try hostile(dir, kind: kind) }
            days[day] = [:]
            return []
        }
        let indexPath = dir + "/index.json"
        if opening, days[day] == nil, openingFindsNothingToRecover(dir: dir, indexPath: indexPath) { return [] }
        var fromFile: [SessionSummary]?
        if days[day] == nil, let kind = files.kind(indexPath) {
            if kind != "file" {
                try hostile(indexPath, kind: kind)
            } else {
                fromFile = (try? files.read(indexPath, limit: Self.maxDayIndexBytes)).flatMap {
                    try? decoder.decode([SessionSummary].self, from: $0)
                }
                if fromFile == nil && repairing { try quarantine(indexPath, reason: "unreadable day index") }
            }
        }
        let recordedByID = Dictionary((fromFile ?? []).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        // Today's own journals are read whole once (few, small): a byte changed in place keeps the
        // length the index trusts, and the day review must flag it all the same (issue 14, point 6).
        // Not while the store opens: that listing only recovers what a crash left (a journal whose
        // length differs from the index's), so a console draws its first frame before the
        // verification, which its first listing of today then does beside the loop.
        let verifyWhole = day == today && !todayVerified && !opening
        var index: [String: SessionSummary] =
            days[day]
            ?? (trustIndex ? Dictionary((fromFile ?? []).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }) : [:])
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        var changed = false
        var refs: [(patientID: String, ref: SessionRef)] = []
        var present = Set<String>()
        for name in names.sorted() {
            if name.hasPrefix(".") && name.contains(".tmp-") {
                removeIfStale(dir + "/" + name)
                continue
            }
            if name.hasSuffix(".ack"), !names.contains(String(name.dropLast(4)) + ".jsonl") {
                noteJournalGone(dir + "/" + String(name.dropLast(4)) + ".jsonl")
                continue
            }
            guard name.hasSuffix(".jsonl") else { continue }
            let id = String(name.dropLast(6))
            guard SessionID.day(of: id) == day else { continue }
            present.insert(id)
            let path = dir + "/" + name
            if let cached = index[id], cached.journalBytes == files.size(path) {
                if !verifyWhole { continue }
                // Verified by its bytes: every line's own check, the chain, and the head the index
                // recorded. Decoding the events again would only give the summary the index holds.
                if let head = cached.head, let data = try? files.read(path, limit: Self.maxJournalBytes),
                    data.count == cached.journalBytes, readMark(of: path).map({ $0.bytes <= data.count }) ?? true
                {
                    let scan = JournalScan(data)
                    if scan.clean, scan.chainBreaks.isEmpty, scan.preChainLines == 0, scan.head == head { continue }
                }
            }
            if !checking, prechecked[path] == nil, let size = files.size(path), Self.tooLargeToList(size, index[id]) {
                // Judged from its size alone: a huge junk file costs a `stat`, not a read (issue 14, point 5).
                // Its index entry, if any, stands; `check` reads it up to the cap.
                report.add(
                    .notReadWhenListing(path: files.display(path), bytes: size, recordedBytes: index[id]?.journalBytes))
                continue
            }
            changed = true
            let summary: SessionSummary
            // A journal whose end the index says is unreadable reads clean after a tail cut: only the
            // ordered read carries that over (`markEnd`).
            if let known = prechecked[path], known.journalBytes == files.size(path),
                (index[id] ?? recordedByID[id])?.endUnreadableAfter == nil
            {
                summary = known  // a full check's parallel pass read it clean to its end, chain and all
            } else {
                // What the store recorded of this journal: it may not be longer than what is read.
                let recorded = [recordedByID[id]?.journalBytes, index[id]?.journalBytes].compactMap { $0 }.max()
                let prior = index[id] ?? recordedByID[id]
                guard let loaded = try readSession(id: id, path: path, recorded: recorded, prior: prior) else {
                    index[id] = nil
                    continue
                }
                summary = loaded.summary
                if !checking, let entry = recordedByID[id], let head = entry.head,
                    loaded.scan.hashOfLine(endingAt: entry.journalBytes) != head
                {
                    // The journal no longer holds the line the day's anchor was made from: found here,
                    // before the index follows the journal (`check` verifies the same in `verifyAnchor`).
                    try anchorNoLongerMatches(day, session: id)
                }
            }
            // An index entry is written only after its reference (see `append`), so an entry with the
            // same reference means the patient's shard has it already.
            if updatePatientRefs, !summary.patientID.isEmpty, index[id]?.ref != summary.ref {
                refs.append((summary.patientID, summary.ref))
            }
            index[id] = summary
        }
        for id in index.keys where !present.contains(id) {
            // A session the day index recorded whose journal (and mark) are gone: its acknowledged lines are.
            let rel = "days/\(day)/\(id).jsonl"
            let namedByMark = report.findings.contains {
                if case .linesMissing(rel, 0, 0, _) = $0 { true } else { false }
            }
            if let entry = recordedByID[id] ?? index[id], entry.journalBytes > 0, !namedByMark {
                let missing = RecoveryReport.Finding.nothingLeft(of: rel, recordedBytes: entry.journalBytes)
                report.add(missing)
                recordStanding(missing)
                if checking { reported.insert(rel) }
            }
            index[id] = nil
            changed = true
        }
        days[day] = index
        if verifyWhole { todayVerified = true }
        let list = index.values.sorted { ($0.startedAt, $0.id) < ($1.startedAt, $1.id) }
        if changed && repairing {
            if let fromFile, !Self.indexAgrees(fromFile, list) {
                report.add(.indexRebuilt(path: "days/\(day)/index.json"))
            }
            // The references first: a crash between the two leaves the day index stale, so the
            // next reader re-reads the journal and finds the references already right.
            // An index that already says exactly this is left alone (a check rewrites nothing needlessly).
            let same =
                fromFile.map { Dictionary($0.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }) == index } ?? false
            if recordRefs(refs) && !same { writeDayIndex(day) }
        }
        return list
    }

    /// A session journal is tens of kilobytes: one over the cap, or grown by more than the longest
    /// line past what its index entry recorded, is junk (or holds it) and is not read when listing.
    static func tooLargeToList(_ size: Int, _ entry: SessionSummary?) -> Bool {
        size > maxJournalBytes || entry.map { size > $0.journalBytes + JournalLine.maxLength } ?? false
    }

    /// What opening the store compares of a day index entry: recovery needs no more.
    private struct RecordedLength: Decodable {
        var id: String
        var journalBytes: Int
        var unreadableLines: Int?
        var endUnreadableAfter: Int?
        var chainBreaks: [Int]?
    }

    /// Opening the store, today: true when a crash left nothing to recover (every journal is a plain
    /// file exactly as long as the index recorded, the index names every one and no damage, no
    /// temporary file is left). Then the index is not decoded whole before the console's first
    /// frame; the first listing of today does that (and verifies the journals' bytes) beside the
    /// loop. Anything else: false, and the listing recovers as always.
    private func openingFindsNothingToRecover(dir: String, indexPath: String) -> Bool {
        guard files.kind(indexPath) == "file", let data = try? files.read(indexPath, limit: Self.maxDayIndexBytes),
            let entries = try? decoder.decode([RecordedLength].self, from: data)
        else { return false }
        var recorded: [String: Int] = [:]
        for e in entries {
            guard (e.unreadableLines ?? 0) == 0, e.endUnreadableAfter == nil, e.chainBreaks?.isEmpty ?? true,
                recorded.updateValue(e.journalBytes, forKey: e.id) == nil
            else { return false }
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        var journals = 0
        for name in names where name != "index.json" && !name.hasSuffix(".ack") {
            guard name.hasSuffix(".jsonl"), !name.hasPrefix("."), let bytes = recorded[String(name.dropLast(6))],
                files.kind(dir + "/" + name) == "file", files.size(dir + "/" + name) == bytes,
                readMark(of: dir + "/" + name).map({ $0.bytes <= bytes }) ?? true
            else { return false }
            journals += 1
        }
        return journals == recorded.count
    }

    /// Reports a session that no longer matches its day's recorded anchor; when repairing, keeps the
    /// index as it was (evidence) and records the finding until someone accepts it.
    func anchorNoLongerMatches(_ day: ClinicDay, session: String) throws(StoreError) {
        let finding = RecoveryReport.Finding.anchorMismatch(day: day.description, session: session)
        report.add(finding)
        guard repairing, access != .read else { return }
        let indexPath = dayPath(day) + "/index.json"
        var evidence: String?
        if let data = try? files.read(indexPath, limit: Self.maxDayIndexBytes) {
            evidence = try keepCopy(
                data, of: indexPath, suffix: "", reason: "the day's anchor no longer matches its journals")
        }
        recordStanding(
            finding, evidence: evidence, recordedIndex: try? files.read(indexPath, limit: Self.maxDayIndexBytes))
    }

    /// The index on disk lists the same sessions as the journals, each entry either current or
    /// behind its journal: appends since the last index write are normal (see `append`), not repairs.
    static func indexAgrees(_ file: [SessionSummary], _ list: [SessionSummary]) -> Bool {
        let onDisk = Dictionary(file.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        guard onDisk.count == list.count else { return false }
        return list.allSatisfy { s in
            onDisk[s.id].map { disk in
                // An index from before `acknowledgedBytes` is not out of date for lacking it (issue 14, round 4).
                var same = disk
                if disk.acknowledgedBytes == nil { same.acknowledgedBytes = s.acknowledgedBytes }
                return same == s || disk.journalBytes < s.journalBytes
            } ?? false
        }
    }

    func writeDayIndex(_ day: ClinicDay) {
        guard access != .read else { return }
        let list = (days[day] ?? [:]).values.sorted { $0.id < $1.id }
        do {
            try files.replace(dayPath(day) + "/index.json", with: try encoder.encode(list))
        } catch {
            indexWarning = "The day index could not be saved (\(error)); it will be rebuilt at the next start."
        }
    }

    // MARK: sessions

    /// Reads a session without taking it over; for review and for `show`.
    /// Never writes: a damaged line is skipped and named in `state.unreadable`, a torn tail ignored.
    public func loadSession(id: String) throws(StoreError) -> SessionState {
        let (day, path) = try journalPath(id)
        guard files.kind(path) != nil else { throw .sessionNotFound(id) }
        // What the day's index recorded of this journal (its length, its end) is what damage is judged against.
        if days[day] == nil { _ = try sessions(on: day) }
        let (data, size) = try files.readPrefix(path, count: Self.maxJournalBytes)
        // Junk past the length on record is one tail, ignored here (no reading of thousands of "lines").
        let mark = readMark(of: path)
        let recorded = [days[day]?[id]?.journalBytes ?? recordedJournalBytes[path], mark?.bytes].compactMap { $0 }.max()
        var scan = JournalScan(data, acknowledged: recorded)
        scan.mark = mark
        if size > data.count { scan.extendTail(to: size) }
        guard let state = sessionState(id: id, path: path, scan: &scan) else {
            throw .corrupt(path: files.display(path), reason: "no readable events")
        }
        return state
    }

    /// Creates a session's journal with its first events and holds its lock. A `lateEntry` session
    /// (charted after the fact, its events carrying their real times) has every line stamped with
    /// the time it was written (`recordedAt`), now and whenever it is appended to later.
    public func beginSession(id: String, events: [SessionEvent], lateEntry: Bool = false) throws -> SessionWriter {
        try requireWritable()
        let (day, path) = try journalPath(id)
        // A session on another day (a late entry) joins that day's list: read it before adding to it.
        if days[day] == nil { _ = try sessions(on: day) }
        try files.makeDirectory(dayPath(day))
        let fd = try files.createJournal(path)
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw StoreError.sessionLocked(id)
        }
        let writer = SessionWriter(
            id: id, day: day, path: path, fd: fd, length: 0, state: SessionState(id: id),
            head: JournalLine.genesis)
        writer.lateEntry = lateEntry
        try append(events, to: writer)
        return writer
    }

    /// Takes over a session for recording: locks it (refusing if another console holds it),
    /// cuts any torn tail, and replays it.
    public func openSession(id: String) throws -> SessionWriter {
        try requireWritable()
        let (day, path) = try journalPath(id)
        guard files.kind(path) != nil else { throw StoreError.sessionNotFound(id) }
        // The day's list first: the index says how long this journal was acknowledged, and the
        // writer's appends update the list (written whole as the day's index).
        if days[day] == nil { _ = try sessions(on: day) }
        let fd = try files.openJournal(path)
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw StoreError.sessionLocked(id)
        }
        do {
            let recorded = days[day]?[id]?.journalBytes
            guard let loaded = try readSession(id: id, path: path, holdingLock: true, recorded: recorded) else {
                throw StoreError.corrupt(path: files.display(path), reason: "no readable events")
            }
            refreshSummary(id: id, day: day, summary: loaded.summary)
            return SessionWriter(
                id: id, day: day, path: path, fd: fd, length: loaded.scan.goodLength,
                state: loaded.state, head: loaded.scan.head)
        } catch {
            close(fd)
            throw error
        }
    }

    /// A journal read whole for writing may tell more than the day index trusted by length (a line
    /// that rotted in place keeps the length): the day's entry follows what was read.
    private func refreshSummary(id: String, day: ClinicDay, summary: SessionSummary) {
        guard days[day] != nil, days[day]?[id] != summary else { return }
        days[day]?[id] = summary
        writeDayIndex(day)
    }

    /// Appends events and fsyncs. Only when this returns are they recorded; then the
    /// writer's state moves on and the derived indexes follow. The day index on disk is
    /// rewritten only when the session's status, step or pause changes: every entry carries
    /// the journal length it was made from, so a reader (another console, `today`, the next
    /// start) re-reads just the journals that grew since. That keeps a pass or a note to one
    /// write and one fsync instead of three more for the index.
    public func append(_ incoming: [SessionEvent], to writer: SessionWriter) throws {
        guard !incoming.isEmpty else { return }
        var events = incoming
        if writer.lateEntry || writer.state.isLateEntry {
            let written = Timestamp.truncated(writeClock())
            for i in events.indices { events[i].recordedAt = written }
        }
        let lines = try events.map { ($0.seq, try encoder.encode($0)) }
        let (data, head) = JournalLine.encodeBatch(lines, prev: writer.head)
        guard writer.fd >= 0 else { throw StoreError.sessionNotHeld(writer.id) }
        // The recall index learns of a lot before the journal does (Store+Lots.swift).
        let known = Set(writer.state.usedLots)
        try noteLotUse(
            Array(
                Set(events.flatMap(\.kind.lotNumbers).map(LotRegister.key)).subtracting(known).filter { !$0.isEmpty }),
            sessionID: writer.id)
        do throws(StoreError) {
            try files.append(writer.fd, data, knownLength: writer.length, path: writer.path)
        } catch {
            throw error.isSyncFailure ? reload(writer, after: error) : error
        }
        writer.length += data.count
        writer.head = head
        writer.markFD = writeMark(
            JournalMark(bytes: writer.length, seq: lines.last?.0 ?? 0, head: head), of: writer.path,
            keeping: writer.markFD)
        for e in events { writer.state.record(e) }
        guard var summary = SessionSummary(state: writer.state, journalBytes: writer.length) else { return }
        summary.head = head
        summary.acknowledgedBytes = writer.length  // synced: this is what the store acknowledged
        let before = days[writer.day]?[writer.id]
        days[writer.day, default: [:]][writer.id] = summary
        // References before day index, for the reason given in `sessions(on:)`.
        if before?.ref != summary.ref && !recordRefs([(summary.patientID, summary.ref)]) { return }
        if before.map({ $0.status != summary.status || $0.step != summary.step || $0.paused != summary.paused }) ?? true
        {
            writeDayIndex(writer.day)
        }
    }

    /// After a failed fsync nothing about the open journal is trusted (the kernel may have dropped
    /// the unsynced pages and cleared the error). So: close it, reopen and relock, cut the journal
    /// back to what was acknowledged, sync that through the new descriptor, and read the session
    /// back from disk. The writer then holds exactly what is on disk.
    private func reload(_ writer: SessionWriter, after error: StoreError) -> StoreError {
        guard case .io(_, let path, let code) = error else { return error }
        writer.close()
        do {
            let fd = try files.openJournal(writer.path)
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                Glibc.close(fd)
                return .syncFailed(path: path, errno: code, reloaded: false)
            }
            writer.fd = fd
            try files.truncate(writer.path, to: writer.length)
            guard let loaded = try readSession(id: writer.id, path: writer.path, holdingLock: true) else {
                writer.close()
                return .syncFailed(path: path, errno: code, reloaded: false)
            }
            writer.length = loaded.scan.goodLength
            writer.head = loaded.scan.head
            writer.state = loaded.state
            return .syncFailed(path: path, errno: code, reloaded: true)
        } catch {
            writer.close()
            return .syncFailed(path: path, errno: code, reloaded: false)
        }
    }

    // MARK: recovery

    /// A session's journal read (and, when writing, repaired): its state with the unreadable
    /// lines named, its summary, and the scan.
    func readSession(
        id: String, path: String, holdingLock: Bool = false, recorded: Int? = nil, prior: SessionSummary? = nil
    ) throws(StoreError) -> (state: SessionState, summary: SessionSummary, scan: JournalScan)? {
        // The last decode recovery made is of the lines it keeps (it marks the others unreadable):
        // its state is the session's, so the journal is decoded once, not twice.
        var decoded: (state: SessionState?, unreadable: Set<Int>)?
        let unreadable = { (scan: JournalScan) -> Set<Int> in
            decoded = self.decodeSession(id: id, scan: scan)
            return decoded!.unreadable
        }
        let prior = prior ?? priorSummary(id: id)
        guard
            var scan = try recoverJournal(
                path, holdingLock: holdingLock, recorded: recorded ?? recordedJournalBytes[path],
                recordedEnd: prior.flatMap(Self.recordedEnd), decode: unreadable)
        else { return nil }
        if scans != nil { scans?[path] = scan }
        guard let state = sessionState(id: id, path: path, scan: &scan, prior: prior, decoded: decoded),
            var summary = SessionSummary(state: state, journalBytes: scan.goodLength)
        else { return nil }
        summary.head = scan.head
        summary.acknowledgedBytes = Self.acknowledgedLength(prior: prior, scan: scan)
        return (state, summary, scan)
    }

    /// The state of a scanned journal: its readable events replayed in sequence order, and every
    /// line it could not read named in `unreadable`. Nil when not one event could be read.
    /// `decoded`: this scan's lines already decoded (by recovery), when they were.
    func sessionState(
        id: String, path: String, scan: inout JournalScan, prior: SessionSummary? = nil,
        decoded known: (state: SessionState?, unreadable: Set<Int>)? = nil
    ) -> SessionState? {
        let decoded = known ?? decodeSession(id: id, scan: scan)
        scan.markUnreadable(lines: decoded.unreadable)
        guard var state = decoded.state else { return nil }
        state.unreadable = scan.damaged.map {
            UnreadableLine(
                firstSeq: $0.firstSeq, lastSeq: $0.lastSeq, line: $0.line, keptIn: files.display(path),
                openEnded: $0.openEnded)
        }
        state.chainBreaks = scan.chainBreaks
        markEnd(of: &state, path: path, scan: scan, prior: prior ?? priorSummary(id: id))
        return state
    }

    /// The summary the store had of a session before this read (the day's index as loaded).
    func priorSummary(id: String) -> SessionSummary? {
        SessionID.day(of: id).flatMap { days[$0]?[id] }
    }

    /// How much of a journal the store knows was acknowledged (synced): what its last append recorded
    /// (else the length its day-index entry was made from), or up to its last intact line if further.
    static func acknowledgedLength(prior: SessionSummary?, scan: JournalScan) -> Int {
        max(prior?.acknowledgedBytes ?? prior?.journalBytes ?? 0, scan.mark?.bytes ?? 0, scan.entries.last?.end ?? 0)
    }

    /// How a day-index entry says its journal ended: its length, last number and last line's hash.
    static func recordedEnd(_ entry: SessionSummary) -> JournalMark? {
        entry.head.map { JournalMark(bytes: entry.journalBytes, seq: entry.lastSeq, head: $0) }
    }

    /// Whether the journal's end is unknown (issue 14): its last line damaged, lines missing from its
    /// end, or a damaged tail cut by a repair (now or, as the day index says, before). A session
    /// continued after such an end (a `continuedAfterUnreadableEnd` event) reads on as usual.
    func markEnd(of state: inout SessionState, path: String, scan: JournalScan, prior: SessionSummary?) {
        let rel = files.display(path)
        let lastEntryLine = scan.entries.last?.line ?? 0
        // Only what the store had acknowledged can be an unreadable end: a damaged last line past that
        // length is a write that never returned (garbled by a power loss), not a lost event.
        let acknowledged = Self.acknowledgedLength(prior: prior, scan: scan)
        var after: Int?
        if let open = scan.damaged.last(where: \.openEnded), open.line > lastEntryLine, open.start < acknowledged {
            after = open.firstSeq - 1
        }
        let continued = state.events.contains { if case .continuedAfterUnreadableEnd = $0.kind { true } else { false } }
        for finding in report.findings {
            switch finding {
            case .linesMissing(let p, let s, _, _) where p == rel && !continued: after = min(after ?? s, s)
            case .damagedTailCut(let p, _, let s, _) where p == rel && scan.goodLength < acknowledged:
                after = min(after ?? s - 1, s - 1)
            case .acknowledgedTailCut(let p, _, let s, _) where p == rel: after = min(after ?? s - 1, s - 1)
            default: break
            }
        }
        // Shorter than its mark and not ending in the marked line: the acknowledged end is gone, whatever
        // the report of this read says (a read-only load reports nothing).
        let kept = scan.goodLength + (scan.missingNewline ? 1 : 0)
        if let mark = scan.mark, mark.bytes > kept, !scan.endsAsMarked(mark), !continued {
            after = min(after ?? scan.lastSeq, scan.lastSeq)
        }
        // Remembered by the day index (a tail cut earlier leaves a journal that reads clean), unless the
        // journal has grown past what that index entry saw (a good copy put back).
        if after == nil, let prior, let known = prior.endUnreadableAfter, scan.goodLength <= prior.journalBytes {
            after = known
        }
        guard let after else { return }
        state.endUnreadableAfterSeq = after
        // Numbers the index saw and the journal lost are never reused (a replica holds them already).
        let recordedLast = max(prior?.lastSeq ?? 0, scan.mark?.seq ?? 0)
        if recordedLast > state.lastSeq { state.lastSeqPerIndex = recordedLast }
        // The day index may have recorded a closed status from lines now unreadable: said, never taken.
        if let prior, prior.status == .completed || prior.status == .aborted, prior.lastSeq > after,
            prior.endUnreadableAfter == nil
        {
            state.endStatusPerIndex = prior.status
        } else {
            state.endStatusPerIndex = prior?.endStatusPerIndex
        }
    }

    /// Replays every intact line in sequence order (two lines swapped still both count; a
    /// duplicated line counts once: the chain check names both). A line whose check holds but
    /// whose event cannot be read (hand-edited, or from a newer version) is named as unreadable.
    private func decodeSession(id: String, scan: JournalScan) -> (state: SessionState?, unreadable: Set<Int>) {
        var state = SessionState(id: id)
        var unreadable = Set<Int>()
        var seen = Set<Int>()
        for entry in scan.inSequence where !seen.contains(entry.seq) {
            guard let event = try? decoder.decode(SessionEvent.self, from: entry.payload), event.seq == entry.seq else {
                unreadable.insert(entry.line)
                continue
            }
            seen.insert(entry.seq)
            state.record(event)
        }
        return (state.events.isEmpty ? nil : state, unreadable)
    }

    /// The patients of the journal's intact lines, in the index's form; the same rules as sessions.
    private func decodePatients(_ scan: JournalScan) -> (file: PatientIndexFile, unreadable: Set<Int>) {
        var file = PatientIndexFile()
        var unreadable = Set<Int>()
        var seen = Set<Int>()
        for entry in scan.inSequence where !seen.contains(entry.seq) {
            guard let p = try? decoder.decode(Patient.self, from: entry.payload) else {
                unreadable.insert(entry.line)
                continue
            }
            seen.insert(entry.seq)
            file.patients.append(p)
        }
        return (file, unreadable)
    }

    /// Patients as the journal has them (after recovering it), without session references.
    func patientsFromJournal(holdingLock: Bool = false, recorded: Int? = nil) throws(StoreError) -> PatientIndexFile {
        let recorded = [recorded, recordedJournalBytes[patientJournal]].compactMap { $0 }.max()
        let kind = files.kind(patientJournal)
        // Nothing of the journal left while the directory (or the last check) recorded patients: emptied,
        // or gone with its mark (a mark left behind says so itself, and an accepted loss is not said again).
        let emptied = kind == "file" && (files.size(patientJournal) ?? 0) == 0
        let gone =
            kind == nil && !noteJournalGone(patientJournal) && !wholeJournalLossRecorded(StoreJournals.patientJournal)
        if emptied || gone, let recorded, recorded > 0 {
            let missing = RecoveryReport.Finding.nothingLeft(of: StoreJournals.patientJournal, recordedBytes: recorded)
            report.add(missing)
            recordStanding(missing)
        }
        // A FIFO (size 0) or any other non-file goes to `recoverJournal`, which moves it aside when repairing.
        guard (files.size(patientJournal) ?? 0) > 0 || (kind != nil && kind != "file"),
            var scan = try recoverJournal(
                patientJournal, holdingLock: holdingLock, recorded: recorded,
                decode: { decodePatients($0).unreadable })
        else {
            notePatientJournalRead(nil, patients: [])
            return PatientIndexFile()
        }
        let decoded = decodePatients(scan)
        scan.markUnreadable(lines: decoded.unreadable)
        notePatientJournalRead(scan, patients: decoded.file.patients)
        var file = decoded.file
        file.lastSeq = scan.lastSeq
        file.journalBytes = scan.goodLength
        return file
    }

    /// Reads a journal and, when repairing, mends what a crash or damage left. Every intact line
    /// is kept wherever the damage is; a damaged complete line stays in place, byte for byte, and
    /// is reported by line and sequence number; only a torn tail (an unterminated last line, and an
    /// unfinished batch before it) is cut; a rotted final newline is written back. A file with no
    /// intact line at all is moved to quarantine. Repairs happen only when opening for writing or
    /// in `check`, and only when no other console holds the journal.
    ///
    /// `unreadable` says which intact lines the caller cannot read (they are damage too).
    func recoverJournal(
        _ path: String, holdingLock: Bool = false, recorded: Int? = nil, recordedEnd: JournalMark? = nil,
        decode unreadable: (JournalScan) -> Set<Int>
    ) throws(StoreError) -> JournalScan? {
        let rel = files.display(path)
        let repair = repairing || holdingLock
        // What the last append acknowledged bounds what may be cut, like any length on record.
        let mark = readMark(of: path)
        let recorded = [recorded, mark?.bytes].compactMap { $0 }.max()
        let data: Data
        let size: Int
        do {
            // A file over the cap is read up to the cap, never whole: its intact lines there are kept,
            // the rest is damage (cut, with a copy, by a repair; ignored by a reader).
            (data, size) = try files.readPrefix(path, count: Self.limit(path))
        } catch .notAFile(_, let kind) {
            if repair {
                try hostile(path, kind: kind)
            } else {
                report.add(.notAFile(path: rel, kind: kind, movedTo: nil))
            }
            return nil
        }
        if data.isEmpty {
            if let recorded, recorded > 0 {
                let missing = RecoveryReport.Finding.nothingLeft(of: rel, recordedBytes: recorded)
                report.add(missing)
                if repair { recordStanding(missing) }
            } else {
                report.add(.emptyJournal(path: rel))
            }
            return nil
        }
        var scan = JournalScan(data, acknowledged: recorded)
        scan.mark = mark
        let overCap = size > data.count
        if overCap {
            scan.extendTail(to: size)
            report.add(.overCap(path: rel, bytes: size, readBytes: data.count))
        }
        scan.markUnreadable(lines: unreadable(scan))
        // Acknowledged bytes the store recorded that the journal no longer holds are damage, never a torn tail.
        let acknowledged = recorded ?? 0
        // Where the bytes a repair cut from the end are kept: evidence for lines missing.
        var cutCopy: String?
        if scan.entries.isEmpty {
            if repair && canRepair(path, holdingLock: holdingLock) {
                try quarantine(path, reason: "no readable line")
            }
            return nil
        }
        if repair && canRepair(path, holdingLock: holdingLock) {
            if scan.missingNewline, let last = scan.entries.last {
                try files.appendNewline(path)
                report.add(.newlineRestored(path: rel, line: last.line, seq: last.seq))
                return try recoverJournal(
                    path, holdingLock: holdingLock, recorded: recorded, recordedEnd: recordedEnd, decode: unreadable)
            }
            if scan.needsTerminator, let line = scan.damaged.last?.line {
                try files.appendNewline(path)
                report.add(.lineTerminated(path: rel, line: line))
                return try recoverJournal(
                    path, holdingLock: holdingLock, recorded: recorded, recordedEnd: recordedEnd, decode: unreadable)
            }
            if scan.tornTail {
                // Kept before it is cut: nothing the store removes is lost, even what only looks torn.
                // Kept whole up to the patient journal's cap (256 MiB; junk past a session journal's cap
                // may hide lines, so none of it is dropped unseen); the report says if any was not copied.
                let keep = Self.maxPatientJournalBytes
                let tail =
                    try overCap
                    ? files.readPrefix(path, from: scan.goodLength, count: keep).data : data[scan.goodLength...]
                let copied = tail.prefix(keep)
                let tailBytes = size - scan.goodLength
                let seq = scan.lastSeq + 1
                var reason = "bytes after line \(scan.entries.count + scan.damaged.count), cut"
                if copied.count < tailBytes {
                    reason +=
                        "; only the first \(copied.count) of \(tailBytes) bytes kept (junk: no line is over 1 MiB)"
                }
                let kept = try keepCopy(Data(copied), of: path, suffix: ".tail", reason: reason)
                let bytes = scan.totalLength - scan.goodLength
                if acknowledged > scan.goodLength {
                    cutCopy = kept
                    report.add(.acknowledgedTailCut(path: rel, bytes: bytes, seq: seq, keptAs: kept))
                } else {
                    report.add(
                        JournalScan.looksTorn(tail) && !overCap
                            ? .tornTailCut(path: rel, bytes: bytes, seq: seq, keptAs: kept)
                            : .damagedTailCut(path: rel, bytes: bytes, seq: seq, keptAs: kept))
                }
                try files.truncate(path, to: scan.goodLength)
                scan.dropTornTail()
            }
        }
        let kept = scan.goodLength + (scan.missingNewline ? 1 : 0)
        if acknowledged > kept {
            // The record that says how long the journal was also says how it ended (the mark, or the
            // day index's entry): with that end intact, the lines went from inside, not from the end.
            let end = [mark, recordedEnd].compactMap { $0 }.first { $0.bytes == acknowledged }
            let missing = missingLines(scan, path: rel, kept: kept, recorded: acknowledged, end: end)
            report.add(missing)
            if repair, case .linesMissing = missing {
                recordStanding(missing, evidence: cutCopy)
                // The standing finding keeps the evidence; the mark follows the repair, as the indexes
                // do, so accepting the finding ends the report. Its number stays: never reused.
                if let mark, canRepair(path, holdingLock: holdingLock) {
                    writeMark(JournalMark(bytes: kept, seq: max(mark.seq, scan.lastSeq), head: scan.head), of: path)
                }
            }
            if checking { reported.insert(rel) }
        }
        for d in scan.damaged { report.add(.damagedLine(path: rel, line: d.line, seqs: d.seqText)) }
        for seq in scan.chainBreaks { report.add(.chainBroken(path: rel, seq: seq)) }
        if checking && scan.preChainLines > 0 { report.add(.predatesChain(path: rel, lines: scan.preChainLines)) }
        if checking && (!scan.damaged.isEmpty || !scan.chainBreaks.isEmpty || scan.preChainLines > 0) {
            reported.insert(rel)
        }
        return scan
    }

    /// The size over which a journal is not read.
    static func limit(_ path: String) -> Int {
        path.hasSuffix("patients/journal.jsonl") ? maxPatientJournalBytes : maxJournalBytes
    }

    private func canRepair(_ path: String, holdingLock: Bool) -> Bool {
        if holdingLock { return true }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return flock(fd, LOCK_EX | LOCK_NB) == 0
    }

    static func stamp() -> String { Timestamp.format(Date()).replacingOccurrences(of: ":", with: "") }

    func quarantineName(_ path: String) -> String {
        "quarantine/\(Self.stamp())-" + files.display(path).replacingOccurrences(of: "/", with: "_")
    }

    func quarantine(_ path: String, reason: String) throws(StoreError) {
        let name = quarantineName(path)
        try files.move(path, to: root + "/" + name)
        moveMarkAlong(of: path, journalMovedTo: name)
        let note = try writeQuarantineReport(for: name, was: files.display(path), kind: "file", why: reason)
        report.add(.quarantined(path: files.display(path), as: name, reason: reason))
        report.add(.quarantineReport(path: files.display(path), report: note))
    }

    /// Beside whatever `check` moved aside: what it was, where it was, when and why it was moved, and
    /// what to do. Names places in the store only (no patient data). Returns the report's name.
    @discardableResult
    func writeQuarantineReport(for name: String, was place: String, kind: String, why: String) throws(StoreError)
        -> String
    {
        let text = """
            What:  a \(kind), now at \(name)
            Where: it was at \(place) in the store
            When:  moved aside \(Timestamp.format(Date()))
            Why:   \(why)
            To do: the store goes on without it. If it should be a store file, look at it (do not open
                   a FIFO or device with a program that waits on it); put a good copy back in its place
                   and run `chairside check`. Otherwise delete it once nobody needs it.

            """
        try files.replace(root + "/" + name + ".report.txt", with: Data(text.utf8))
        return name + ".report.txt"
    }

    /// Puts `data` (part of the file at `path`) into quarantine with a report beside it.
    func keepCopy(_ data: Data, of path: String, suffix: String, reason: String) throws(StoreError) -> String {
        let name = quarantineName(path) + suffix
        try files.replace(root + "/" + name, with: data)
        try files.replace(root + "/" + name + ".report.txt", with: Data("\(files.display(path)): \(reason)\n".utf8))
        return name
    }

    func quarantineCopy(_ path: String, reason: String) throws(StoreError) -> String {
        let name = quarantineName(path)
        try files.copy(path, to: root + "/" + name, limit: Self.maxIndexBytes)
        try files.replace(root + "/" + name + ".report.txt", with: Data("\(files.display(path)): \(reason)\n".utf8))
        return name
    }

    static func randomHex(_ count: Int) -> String {
        var rng = SystemRandomNumberGenerator()
        return (0..<count).map { _ in String(Int.random(in: 0..<16, using: &rng), radix: 16) }.joined()
    }

    public static func newSessionID(startedAt: Date, timeZone: TimeZone) -> String {
        var rng = SystemRandomNumberGenerator()
        return newSessionID(startedAt: startedAt, timeZone: timeZone, using: &rng)
    }

    public static func newSessionID(startedAt: Date, timeZone: TimeZone, using rng: inout some RandomNumberGenerator)
        -> String
    {
        SessionID.make(startedAt: startedAt, timeZone: timeZone, suffix: UInt16.random(in: 0...UInt16.max, using: &rng))
    }
}

/// A session held for recording: the open journal (locked) and its current state.
public final class SessionWriter {
    public let id: String
    public let day: ClinicDay
    let path: String
    fileprivate(set) var fd: Int32
    fileprivate(set) var length: Int
    public fileprivate(set) var state: SessionState
    /// The hash of the journal's last line: the next line's `prev`.
    public fileprivate(set) var head: String
    /// Set for a session begun as a late entry, until its first line carries the mark.
    fileprivate(set) var lateEntry = false
    /// The journal's acknowledgement mark, open for overwriting after each append (-1 until then).
    fileprivate(set) var markFD: Int32 = -1

    init(id: String, day: ClinicDay, path: String, fd: Int32, length: Int, state: SessionState, head: String) {
        self.id = id
        self.day = day
        self.path = path
        self.fd = fd
        self.length = length
        self.state = state
        self.head = head
    }

    /// Lets store tests swap in a dead descriptor to exercise a failed append.
    var fdForTesting: Int32 {
        get { fd }
        set { fd = newValue }
    }

    /// Releases the lock; the session stays resumable.
    public func close() {
        if fd >= 0 {
            Glibc.close(fd)
            fd = -1
        }
        if markFD >= 0 {
            Glibc.close(markFD)
            markFD = -1
        }
    }

    deinit { close() }
}

/// The patient journal as read: every record in order (an edit appears again, later), and how far it read.
struct PatientIndexFile: Equatable {
    var journalBytes = 0
    var lastSeq = 0
    var patients: [Patient] = []
}

// MARK: review

extension Store {
    /// Every session of a patient, from the patient index and the day indexes of the days
    /// they came; no journal is read unless its day index is stale.
    public func historySummaries(of patientID: String) throws(StoreError) -> [SessionSummary] {
        let refs = history(of: patientID)
        let ids = Set(refs.map(\.sessionID))
        var days: [ClinicDay] = []
        for ref in refs {
            if let day = SessionID.day(of: ref.sessionID), !days.contains(day) { days.append(day) }
        }
        var out: [SessionSummary] = []
        for day in days {
            let wanted = Set(refs.filter { SessionID.day(of: $0.sessionID) == day }.map(\.sessionID))
            // Today's list is read whole (its journals verified by their bytes at its first listing,
            // so a line changed in place shows); other days trust their index entries.
            if day != today, let indexed = indexedSummaries(wanted, on: day) {
                out += indexed
            } else {
                out += try sessions(on: day).filter { ids.contains($0.id) }
            }
        }
        return out.sorted { ($0.startedAt, $0.id) < ($1.startedAt, $1.id) }
    }

    /// The sessions of every stored day from `first` through `last`, oldest first.
    public func sessions(from first: ClinicDay, through last: ClinicDay) throws(StoreError) -> [SessionSummary] {
        var out: [SessionSummary] = []
        for day in allDays() where day >= first && day <= last {
            out += try sessions(on: day)
        }
        return out
    }
}
