import ChairsideCore
import Foundation

/// Bulk loading, for synthetic stores (benchmarks): each file is written once, durably,
/// instead of one fsync per event. The files are the same as the console writes; `check()`
/// afterwards builds the indexes from them.
extension Store {
    /// Writes many new patients in one journal write. Only into a store without patients.
    public func importPatients(_ list: [Patient]) throws {
        guard patientState.journalBytes == 0, (files.size(patientJournal) ?? 0) == 0 else {
            throw StoreError.corrupt(path: "patients/journal.jsonl", reason: "import needs a store without patients")
        }
        var data = Data()
        var prev = JournalLine.genesis
        for (i, p) in list.enumerated() {
            let line = JournalLine.encode(seq: i + 1, payload: try encoder.encode(p), prev: prev)
            prev = JournalLine.hash(line)
            data.append(line)
        }
        try files.replace(patientJournal, with: data)
        let stamp = CompactDirectory.Stamp(journalBytes: data.count, lastSeq: list.count)
        let snapshot = CompactDirectory(patients: list, stamp: stamp)
        try files.replace(directoryPath, with: snapshot.bytes)
        install(PatientDirectory(snapshot: snapshot), stamp: stamp)
    }

    /// Writes a whole session journal at once. The session must not exist yet.
    public func importSession(id: String, events: [SessionEvent]) throws {
        let (day, path) = try journalPath(id)
        guard !FileManager.default.fileExists(atPath: path) else {
            throw StoreError.corrupt(path: files.display(path), reason: "already exists")
        }
        try files.makeDirectory(dayPath(day))
        var data = Data()
        var prev = JournalLine.genesis
        for event in events {
            let line = JournalLine.encode(seq: event.seq, payload: try encoder.encode(event), prev: prev)
            prev = JournalLine.hash(line)
            data.append(line)
        }
        try files.replace(path, with: data)
    }
}
