import ChairsideCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A journal of a store, named by its path relative to the store's root
/// (`days/2026-11-21/20261121-093000-ab12.jsonl`, `patients/journal.jsonl`), with what a cheap
/// poll compares: its size and modification time.
public struct JournalFile: Sendable, Hashable {
    public var path: String
    public var size: Int
    public var modified: Int64
}

/// One intact journal line as stored: its sequence number, its exact bytes (newline included)
/// and their SHA-256, which is how a replica names and compares it.
public struct StoredLine: Sendable, Equatable {
    public var seq: Int
    public var bytes: Data
    public var hash: String

    public init(seq: Int, bytes: Data, hash: String) {
        self.seq = seq
        self.bytes = bytes
        self.hash = hash
    }
}

/// Reading a store's journals line by line for a replica, without opening the store (and so
/// without ever repairing or locking anything the console holds).
public enum StoreJournals {
    public static let patientJournal = "patients/journal.jsonl"
    /// The lot register (issue 17): replicated like the patient journal.
    public static let lotJournal = "lots/journal.jsonl"

    /// Whether `path` is a journal path a store can hold: the patient journal or a session's
    /// journal in its day's folder. Paths from a replica are checked with this before any use,
    /// so a row cannot name a file outside the store.
    public static func isJournalPath(_ path: String) -> Bool {
        if path == patientJournal || path == lotJournal { return true }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "days", parts[2].hasSuffix(".jsonl"),
            let day = ClinicDay(string: String(parts[1]))
        else { return false }
        return SessionID.day(of: String(parts[2].dropLast(6))) == day
    }

    /// Every journal of the store: the patient journal and each session's, with size and mtime.
    /// Anything that is not a regular file is left out (`check` names it).
    public static func list(root: String) -> [JournalFile] {
        var out: [JournalFile] = []
        if let file = stat(root, patientJournal) { out.append(file) }
        if let file = stat(root, lotJournal) { out.append(file) }
        let days = (try? FileManager.default.contentsOfDirectory(atPath: root + "/days")) ?? []
        for day in days.sorted() where ClinicDay(string: day) != nil {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "/days/" + day)) ?? []
            for name in names.sorted() where name.hasSuffix(".jsonl") {
                let rel = "days/\(day)/\(name)"
                if isJournalPath(rel), let file = stat(root, rel) { out.append(file) }
            }
        }
        return out
    }

    static func stat(_ root: String, _ rel: String) -> JournalFile? {
        var st = Glibc.stat()
        guard lstat(root + "/" + rel, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        let modified = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        return JournalFile(path: rel, size: Int(st.st_size), modified: modified)
    }

    /// What a journal holds now: its intact, acknowledged lines (a torn tail or an unfinished
    /// batch at the end is left out: it was never acknowledged), the first of each sequence number
    /// only, and what is damaged.
    public struct Contents {
        public var lines: [StoredLine]
        /// Damaged lines (by file line number and the sequence numbers they stand for).
        public var damaged: [JournalScan.DamagedLine]
        public var chainBreaks: [Int]
        public var scan: JournalScan
        /// The journal's bytes as read.
        public var data: Data
    }

    public static func read(root: String, journal: String) throws(StoreError) -> Contents {
        guard isJournalPath(journal) else { throw .corrupt(path: journal, reason: "not a journal path") }
        let data = try DurableFiles(root: root).read(root + "/" + journal, limit: Store.maxJournalBytes)
        let scan = JournalScan(data)
        var seen = Set<Int>()
        var lines: [StoredLine] = []
        for entry in scan.entries where entry.end <= scan.goodLength && !seen.contains(entry.seq) {
            seen.insert(entry.seq)
            let bytes = data.subdata(in: entry.start..<entry.end)
            lines.append(StoredLine(seq: entry.seq, bytes: bytes, hash: JournalLine.hash(bytes)))
        }
        return Contents(lines: lines, damaged: scan.damaged, chainBreaks: scan.chainBreaks, scan: scan, data: data)
    }
}
