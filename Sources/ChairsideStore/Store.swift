import ChairsideCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The embedded store: one directory, journals as the truth, indexes derived from them.
///
///     store/
///       days/2026-11-21/20261121-093000-ab12.jsonl   one session's journal
///       days/2026-11-21/index.json                   the day's summaries (derived)
///       patients/journal.jsonl                       every patient record, appended
///       patients/directory.bin, patients/refs/       the directory and each patient's sessions
///                                                    (derived; see PatientFiles.swift)
///       quarantine/                                  damaged files moved aside, with reports
///
/// Use from one thread; the terminal and the commands each own one `Store`.
public final class Store {
    public static let maxJournalBytes = 64 * 1_048_576
    public static let maxIndexBytes = 256 * 1_048_576

    public let root: String
    public let timeZone: TimeZone
    public internal(set) var report = RecoveryReport()
    /// Set when an event was recorded but a derived index could not be rewritten; it is rebuilt at the next open.
    public internal(set) var indexWarning: String?

    let files: DurableFiles
    var patientState = PatientStoreState()
    /// During a full `check`: summaries of the journals that read clean, decoded in parallel (CheckPlan).
    var prechecked: [String: SessionSummary] = [:]
    /// Days and sessions the last `check` covered.
    public internal(set) var lastCheckCounts = (days: 0, sessions: 0)
    var days: [ClinicDay: [String: SessionSummary]] = [:]
    let encoder = JSONCoding.encoder()
    let decoder = JSONCoding.decoder()

    /// Opens (creating if needed) the store and recovers what a crash may have left in today's
    /// journals. The patient directory and history are read on demand, so opening costs the
    /// same on the tenth year as on the first day.
    public init(root: String, timeZone: TimeZone, today: ClinicDay) throws(StoreError) {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        self.timeZone = timeZone
        files = DurableFiles(root: self.root)
        try files.makeDirectory(self.root)
        for sub in ["days", "patients", "quarantine"] { try files.makeDirectory(self.root + "/" + sub) }
        _ = try sessions(on: today)
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
        var patient = input
        patient.name = patient.name.trimmingCharacters(in: .whitespaces)
        patient.chartNumber = patient.chartNumber.trimmingCharacters(in: .whitespaces)
        if patient.id.isEmpty { patient.id = "p-" + Self.randomHex(8) }
        try directory.validate(patient)
        let exists = FileManager.default.fileExists(atPath: patientJournal)
        let fd = exists ? try files.openJournal(patientJournal) : try files.createJournal(patientJournal)
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw files.fail("lock", patientJournal) }
        var length = files.size(patientJournal) ?? 0
        if length != patientState.journalBytes {
            // Another console added patients since we loaded: catch up (under the lock) before numbering ours.
            try loadDirectory()
            try directory.validate(patient)
            if patientState.journalBytes < length {
                // A torn tail left by a crashed writer; we hold the lock, so cut it before appending.
                try files.truncate(patientJournal, to: patientState.journalBytes)
                length = patientState.journalBytes
            }
        }
        let seq = patientState.lastSeq + 1
        let line = JournalLine.encode(seq: seq, payload: try encoder.encode(patient))
        do throws(StoreError) {
            try files.append(fd, line, knownLength: length, path: patientJournal)
        } catch {
            // After a failed sync the descriptor is no longer trusted: cut back to what was recorded through a fresh one.
            if error.isSyncFailure { try? files.truncate(patientJournal, to: length) }
            throw error
        }
        // The snapshot is rarely rewritten: the next opening replays this line from the journal's tail.
        patientState.lastSeq = seq
        patientState.journalBytes = length + line.count
        patientState.directory?.upsert(patient)
        compactDirectoryIfDue()
        return patient
    }

    /// A temporary file (`.NAME.tmp-PID`) is never read as data. Once its writer is gone it is a
    /// leftover of a crash: it is removed so such files do not pile up.
    func removeIfStale(_ path: String) {
        guard let pid = Int32(path.split(separator: "-").last ?? ""), pid > 0 else { return }
        guard pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH else { return }
        report.add(.leftoverTempFile(path: files.display(path)))
        try? files.remove(path)
    }

    func rebuildSessionRefs() throws(StoreError) -> [String: [SessionRef]] {
        var refs: [String: [SessionRef]] = [:]
        for day in allDays() {
            for s in try sessions(on: day, updatePatientRefs: false) { refs[s.patientID, default: []].append(s.ref) }
        }
        return refs
    }

    // MARK: days

    public func allDays() -> [ClinicDay] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "/days")) ?? []
        return names.compactMap(ClinicDay.init(string:)).sorted()
    }

    /// The day's sessions, oldest first. Stale or missing summaries are rebuilt from the journals.
    public func sessions(on day: ClinicDay) throws(StoreError) -> [SessionSummary] {
        try sessions(on: day, updatePatientRefs: true)
    }

    private func sessions(on day: ClinicDay, updatePatientRefs: Bool, trustIndex: Bool = true) throws(StoreError) -> [SessionSummary] {
        let dir = dayPath(day)
        guard FileManager.default.fileExists(atPath: dir) else { return [] }
        if files.isLink(dir) {
            errno = ELOOP
            throw files.fail("open", dir)
        }
        let indexPath = dir + "/index.json"
        var fromFile: [SessionSummary]?
        if days[day] == nil, FileManager.default.fileExists(atPath: indexPath) {
            fromFile = (try? files.read(indexPath, limit: Self.maxIndexBytes)).flatMap { try? decoder.decode([SessionSummary].self, from: $0) }
            if fromFile == nil { try quarantine(indexPath, reason: "unreadable day index") }
        }
        var index: [String: SessionSummary] = days[day]
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
            guard name.hasSuffix(".jsonl") else { continue }
            let id = String(name.dropLast(6))
            guard SessionID.day(of: id) == day else { continue }
            present.insert(id)
            let path = dir + "/" + name
            if let cached = index[id], cached.journalBytes == files.size(path) { continue }
            changed = true
            let summary: SessionSummary
            if let known = prechecked[path], known.journalBytes == files.size(path) {
                summary = known   // a full check's parallel pass read it clean to its end
            } else {
                guard let state = try recoverJournal(path, decode: { decodeSession(id: id, scan: $0) })?.value,
                      let read = SessionSummary(state: state.state, journalBytes: state.length) else {
                    index[id] = nil
                    continue
                }
                summary = read
            }
            // An index entry is written only after its reference (see `append`), so an entry with the
            // same reference means the patient's shard has it already.
            if updatePatientRefs, index[id]?.ref != summary.ref { refs.append((summary.patientID, summary.ref)) }
            index[id] = summary
        }
        for id in index.keys where !present.contains(id) { index[id] = nil; changed = true }
        days[day] = index
        let list = index.values.sorted { ($0.startedAt, $0.id) < ($1.startedAt, $1.id) }
        if changed {
            if let fromFile, !Self.indexAgrees(fromFile, list) {
                report.add(.indexRebuilt(path: "days/\(day)/index.json"))
            }
            // The references first: a crash between the two leaves the day index stale, so the
            // next reader re-reads the journal and finds the references already right.
            // An index that already says exactly this is left alone (a check rewrites nothing needlessly).
            let same = fromFile.map { Dictionary($0.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }) == index } ?? false
            if recordRefs(refs) && !same { writeDayIndex(day) }
        }
        return list
    }

    /// The index on disk lists the same sessions as the journals, each entry either current or
    /// behind its journal: appends since the last index write are normal (see `append`), not repairs.
    static func indexAgrees(_ file: [SessionSummary], _ list: [SessionSummary]) -> Bool {
        let onDisk = Dictionary(file.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        guard onDisk.count == list.count else { return false }
        return list.allSatisfy { s in onDisk[s.id].map { $0 == s || $0.journalBytes < s.journalBytes } ?? false }
    }

    private func writeDayIndex(_ day: ClinicDay) {
        let list = (days[day] ?? [:]).values.sorted { $0.id < $1.id }
        do {
            try files.replace(dayPath(day) + "/index.json", with: try encoder.encode(list))
        } catch {
            indexWarning = "The day index could not be saved (\(error)); it will be rebuilt at the next start."
        }
    }

    // MARK: sessions

    /// Reads a session without taking it over; for review and for `show`.
    public func loadSession(id: String) throws(StoreError) -> SessionState {
        let (_, path) = try journalPath(id)
        guard FileManager.default.fileExists(atPath: path) else { throw .sessionNotFound(id) }
        let data = try files.read(path, limit: Self.maxJournalBytes)
        guard let loaded = decodeSession(id: id, scan: JournalScan(data)).value else { throw .corrupt(path: files.display(path), reason: "no readable events") }
        return loaded.state
    }

    /// Creates a session's journal with its first events and holds its lock.
    public func beginSession(id: String, events: [SessionEvent]) throws -> SessionWriter {
        let (day, path) = try journalPath(id)
        try files.makeDirectory(dayPath(day))
        let fd = try files.createJournal(path)
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { close(fd); throw StoreError.sessionLocked(id) }
        let writer = SessionWriter(id: id, day: day, path: path, fd: fd, length: 0, state: SessionState(id: id))
        try append(events, to: writer)
        return writer
    }

    /// Takes over a session for recording: locks it (refusing if another console holds it),
    /// cuts any torn tail, and replays it.
    public func openSession(id: String) throws -> SessionWriter {
        let (day, path) = try journalPath(id)
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.sessionNotFound(id) }
        let fd = try files.openJournal(path)
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw StoreError.sessionLocked(id)
        }
        do {
            guard let loaded = try recoverJournal(path, holdingLock: true, decode: { decodeSession(id: id, scan: $0) })?.value else {
                throw StoreError.corrupt(path: files.display(path), reason: "no readable events")
            }
            return SessionWriter(id: id, day: day, path: path, fd: fd, length: loaded.length, state: loaded.state)
        } catch {
            close(fd)
            throw error
        }
    }

    /// Appends events and fsyncs. Only when this returns are they recorded; then the
    /// writer's state moves on and the derived indexes follow. The day index on disk is
    /// rewritten only when the session's status, step or pause changes: every entry carries
    /// the journal length it was made from, so a reader (another console, `today`, the next
    /// start) re-reads just the journals that grew since. That keeps a pass or a note to one
    /// write and one fsync instead of three more for the index.
    public func append(_ events: [SessionEvent], to writer: SessionWriter) throws {
        guard !events.isEmpty else { return }
        var data = Data()
        for (i, event) in events.enumerated() {
            data.append(JournalLine.encode(seq: event.seq, payload: try encoder.encode(event), more: i < events.count - 1))
        }
        guard writer.fd >= 0 else { throw StoreError.sessionNotHeld(writer.id) }
        do throws(StoreError) {
            try files.append(writer.fd, data, knownLength: writer.length, path: writer.path)
        } catch {
            throw error.isSyncFailure ? reload(writer, after: error) : error
        }
        writer.length += data.count
        writer.state = events.reduce(writer.state) { $0.evolve($1) }
        guard let summary = SessionSummary(state: writer.state, journalBytes: writer.length) else { return }
        let before = days[writer.day]?[writer.id]
        days[writer.day, default: [:]][writer.id] = summary
        // References before day index, for the reason given in `sessions(on:)`.
        if before?.ref != summary.ref && !recordRefs([(summary.patientID, summary.ref)]) { return }
        if before.map({ $0.status != summary.status || $0.step != summary.step || $0.paused != summary.paused }) ?? true {
            writeDayIndex(writer.day)
        }
    }

    /// After a failed fsync nothing about the open journal is trusted (the kernel may have dropped
    /// the unsynced pages and cleared the error). So: close it, reopen and relock, cut the journal
    /// back to what was acknowledged, sync that through the new descriptor, and read the session
    /// back from disk. The writer then holds exactly what is on disk.
    private func reload(_ writer: SessionWriter, after error: StoreError) -> StoreError {
        guard case let .io(_, path, code) = error else { return error }
        writer.close()
        do {
            let fd = try files.openJournal(writer.path)
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                Glibc.close(fd)
                return .syncFailed(path: path, errno: code, reloaded: false)
            }
            writer.fd = fd
            try files.truncate(writer.path, to: writer.length)
            guard let loaded = try recoverJournal(writer.path, holdingLock: true, decode: { decodeSession(id: writer.id, scan: $0) })?.value else {
                writer.close()
                return .syncFailed(path: path, errno: code, reloaded: false)
            }
            writer.length = loaded.length
            writer.state = loaded.state
            return .syncFailed(path: path, errno: code, reloaded: true)
        } catch {
            writer.close()
            return .syncFailed(path: path, errno: code, reloaded: false)
        }
    }

    // MARK: recovery

    /// Replays the intact lines up to the first one this version cannot read, and says how many
    /// it read. A line can be intact (its checksum holds) and still unreadable: hand-edited, or
    /// written by a newer version.
    private func decodeSession(id: String, scan: JournalScan) -> (value: (state: SessionState, length: Int)?, readable: Int) {
        var state = SessionState(id: id)
        var length = 0
        for entry in scan.entries {
            guard let event = try? decoder.decode(SessionEvent.self, from: entry.payload), event.seq == entry.seq else { break }
            state = state.evolve(event)
            length = entry.end
        }
        return (state.events.isEmpty ? nil : (state, length), state.events.count)
    }

    /// The patients of the journal's readable lines, in the index's form; the same rule as `decodeSession`.
    private func decodePatients(_ scan: JournalScan) -> (value: PatientIndexFile, readable: Int) {
        var file = PatientIndexFile()
        var read = 0
        for entry in scan.entries {
            guard let p = try? decoder.decode(Patient.self, from: entry.payload) else { break }
            file.patients.append(p)
            file.lastSeq = entry.seq
            file.journalBytes = entry.end
            read += 1
        }
        return (file, read)
    }

    /// Patients as the journal has them (after recovering it), without session references.
    func patientsFromJournal() throws(StoreError) -> PatientIndexFile {
        guard (files.size(patientJournal) ?? 0) > 0 else { return PatientIndexFile() }
        return try recoverJournal(patientJournal, decode: decodePatients)?.value ?? PatientIndexFile()
    }

    /// Reads a journal and repairs what a crash or damage left: a torn tail is cut; damage in
    /// the middle keeps the intact prefix and puts a copy of the original in quarantine; a file
    /// with nothing readable is moved to quarantine. Repairs happen only when no other console
    /// holds the journal.
    ///
    /// `decode` reads the lines once and says how many it could read; an unreadable line is damage
    /// like a failed checksum. What it read comes back with the scan.
    func recoverJournal<T>(_ path: String, holdingLock: Bool = false,
                           decode: (JournalScan) -> (value: T, readable: Int)) throws(StoreError) -> (scan: JournalScan, value: T)? {
        let rel = files.display(path)
        let data: Data
        do {
            data = try files.read(path, limit: Self.maxJournalBytes)
        } catch .tooLarge {
            try quarantine(path, reason: "larger than \(Self.maxJournalBytes / 1_048_576) MiB")
            return nil
        }
        if data.isEmpty {
            report.add(.emptyJournal(path: rel))
            return nil
        }
        var scan = JournalScan(data)
        var decoded = decode(scan)
        if decoded.readable < scan.entries.count {
            // Damage from the first unreadable line on, exactly as if its checksum had failed.
            // Only whole batches stay, which may be fewer lines than were read: read those again.
            scan.keep(before: decoded.readable)
            decoded = decode(scan)
        }
        if scan.entries.isEmpty {
            if canRepair(path, holdingLock: holdingLock) { try quarantine(path, reason: "no readable line") }
            return nil
        }
        if scan.clean { return (scan, decoded.value) }
        guard canRepair(path, holdingLock: holdingLock) else { return (scan, decoded.value) }
        if scan.tornTail {
            report.add(.tornTailCut(path: rel, bytes: scan.totalLength - scan.goodLength))
        } else {
            let copy = try quarantineCopy(path, reason: "damaged after line \(scan.entries.count)")
            report.add(.damagedJournalCut(path: rel, keptLines: scan.entries.count, quarantinedAs: copy))
        }
        try files.truncate(path, to: scan.goodLength)
        scan.totalLength = scan.goodLength
        return (scan, decoded.value)
    }

    private func canRepair(_ path: String, holdingLock: Bool) -> Bool {
        if holdingLock { return true }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return flock(fd, LOCK_EX | LOCK_NB) == 0
    }

    private func quarantineName(_ path: String) -> String {
        let stamp = Timestamp.format(Date()).replacingOccurrences(of: ":", with: "")
        return "quarantine/\(stamp)-" + files.display(path).replacingOccurrences(of: "/", with: "_")
    }

    func quarantine(_ path: String, reason: String) throws(StoreError) {
        let name = quarantineName(path)
        try files.move(path, to: root + "/" + name)
        try files.replace(root + "/" + name + ".report.txt", with: Data("\(files.display(path)): \(reason)\n".utf8))
        report.add(.quarantined(path: files.display(path), as: name, reason: reason))
    }

    private func quarantineCopy(_ path: String, reason: String) throws(StoreError) -> String {
        let name = quarantineName(path)
        try files.copy(path, to: root + "/" + name, limit: Self.maxJournalBytes)
        try files.replace(root + "/" + name + ".report.txt", with: Data("\(files.display(path)): \(reason)\n".utf8))
        return name
    }

    /// Verifies the store: re-reads journals instead of trusting the indexes, repairs what it can,
    /// and rebuilds any index that disagrees. Journals unchanged since the last check are not read
    /// again unless `full` (CheckPlan); a full check decodes on every core.
    public func check(full: Bool = false, progress: @escaping @Sendable (String) -> Void = { _ in }) throws(StoreError) -> RecoveryReport {
        report = RecoveryReport()
        days = [:]
        let plan = CheckPlan(self, full: full, progress: progress)
        let all = allDays()
        plan.prepare(days: all)
        var verified: [ClinicDay: [SessionSummary]] = [:]
        for day in all where !plan.unchanged(day) {
            verified[day] = try sessions(on: day, updatePatientRefs: false, trustIndex: false)
        }
        try plan.finish(verified: verified)
        lastCheckCounts = plan.counts
        return report
    }

    static func randomHex(_ count: Int) -> String {
        var rng = SystemRandomNumberGenerator()
        return (0..<count).map { _ in String(Int.random(in: 0..<16, using: &rng), radix: 16) }.joined()
    }

    public static func newSessionID(startedAt: Date, timeZone: TimeZone) -> String {
        var rng = SystemRandomNumberGenerator()
        return newSessionID(startedAt: startedAt, timeZone: timeZone, using: &rng)
    }

    public static func newSessionID(startedAt: Date, timeZone: TimeZone, using rng: inout some RandomNumberGenerator) -> String {
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

    init(id: String, day: ClinicDay, path: String, fd: Int32, length: Int, state: SessionState) {
        self.id = id; self.day = day; self.path = path; self.fd = fd; self.length = length; self.state = state
    }

    /// Lets store tests swap in a dead descriptor to exercise a failed append.
    var fdForTesting: Int32 {
        get { fd }
        set { fd = newValue }
    }

    /// Releases the lock; the session stays resumable.
    public func close() {
        if fd >= 0 { Glibc.close(fd); fd = -1 }
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
            if let indexed = indexedSummaries(wanted, on: day) {
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
