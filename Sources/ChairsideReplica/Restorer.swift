import ChairsideCore
import ChairsideStore
import Foundation
import Logging

/// `chairside restore --from-replica`: rebuilds a store from the replica's lines, journal by
/// journal, byte-identical, verifying each journal's hash chain (every line names the hash of the
/// one before it) before anything is written. The store's indexes are then rebuilt by the store.
public struct Restorer {
    public struct Outcome: Sendable {
        public var storeID: String
        public var journals: Int
        public var lines: Int
        /// Journals whose chain does not hold in the replica (a line never shipped): restored as far as it holds.
        public var incomplete: [String]
    }

    let db: ReplicaDatabase

    public init(db: ReplicaDatabase) { self.db = db }

    /// Chooses the store: the one given, or the only one the replica holds.
    public func chooseStore(_ given: String?) async throws -> String {
        let ids = try await db.storeIDs()
        if let given {
            guard ids.contains(given) else { throw ReplicaError.nothingToRestore(storeID: given) }
            return given
        }
        guard let only = ids.first else { throw ReplicaError.nothingToRestore(storeID: nil) }
        guard ids.count == 1 else { throw ReplicaError.severalStores(ids) }
        return only
    }

    public func restore(into root: String, storeID: String) async throws -> Outcome {
        let rows = try await db.lines(storeID: storeID)
        guard !rows.isEmpty else { throw ReplicaError.nothingToRestore(storeID: storeID) }
        var byJournal: [(journal: String, lines: [StoredLine])] = []
        for row in rows {
            if byJournal.last?.journal == row.journal {
                byJournal[byJournal.count - 1].lines.append(row.line)
            } else {
                byJournal.append((row.journal, [row.line]))
            }
        }
        try ReplicaRestore.prepare(root: root, storeID: storeID)
        var outcome = Outcome(storeID: storeID, journals: 0, lines: 0, incomplete: [])
        for (journal, lines) in byJournal where StoreJournals.isJournalPath(journal) {
            let kept = Self.chained(lines)
            if kept.count < lines.count { outcome.incomplete.append(journal) }
            guard !kept.isEmpty else { continue }
            try ReplicaRestore.writeJournal(root: root, journal: journal, lines: kept.map(\.bytes))
            outcome.journals += 1
            outcome.lines += kept.count
        }
        return outcome
    }

    /// The journal's lines as far as the chain holds: each line's bytes match its hash, its
    /// sequence number follows the one before, and it names the previous line's hash (the first
    /// names `genesis`; a line from before the chain names nothing and is taken as it is).
    static func chained(_ lines: [StoredLine]) -> [StoredLine] {
        var out: [StoredLine] = []
        var previous: Data?
        for line in lines {
            guard JournalLine.hash(line.bytes) == line.hash,
                let decoded = JournalChain.decodeWhole(line.bytes), decoded.seq == (out.last?.seq ?? 0) + 1
            else { break }
            if decoded.prev != nil {
                guard JournalChain.fits(line.bytes, previous: previous, next: nil) else { break }
            }
            out.append(line)
            previous = line.bytes
        }
        return out
    }
}

/// `chairside check --repair-from-replica`: every local line that is damaged (its own check fails,
/// or the local hash chain breaks at it) is replaced by the replica's bytes when those fit the hash
/// chain between its neighbours. What was put back is named; the journal as it was is kept in
/// quarantine. A line that is intact here but differs from the replica's copy (two copies of one
/// store each wrote their own entry) is never overwritten: it is named as diverging and kept.
public struct Repairer {
    public struct PutBackLine: Sendable, Equatable {
        public var journal: String
        public var line: Int
        public var seq: Int
    }

    public struct Outcome: Sendable {
        public var restored: [PutBackLine] = []
        /// Damaged or differing lines the replica could not mend (it lacks them, or its copy does not fit).
        public var notRestored: [PutBackLine] = []
        /// Intact local lines (own check and local chain hold) that differ from the replica's copy: kept.
        public var diverging: [PutBackLine] = []
        public var busy: [String] = []
    }

    let db: ReplicaDatabase

    public init(db: ReplicaDatabase) { self.db = db }

    public func repair(_ store: Store, storeID: String) async throws -> Outcome {
        let replica = try await db.shippedHashes(storeID: storeID)
        var outcome = Outcome()
        for file in StoreJournals.list(root: store.root) {
            guard let contents = try? StoreJournals.read(root: store.root, journal: file.path) else { continue }
            var suspects: [(line: Int, seq: Int)] = []
            for d in contents.damaged where d.firstSeq == d.lastSeq { suspects.append((d.line, d.firstSeq)) }
            let held = replica[file.path] ?? [:]
            let breaks = Set(contents.scan.chainBreaks)
            let entries = contents.scan.entries.filter { $0.end <= contents.scan.goodLength }
            for (i, entry) in entries.enumerated() {
                let bytes = contents.data.subdata(in: entry.start..<entry.end)
                guard let hash = held[entry.seq], hash != JournalLine.hash(bytes) else { continue }
                // Altered here only if the local chain breaks at this line or at the next one
                // (an edit with a fresh check); otherwise the line is intact and another copy wrote.
                let next = i + 1 < entries.count && entries[i + 1].line == entry.line + 1 ? entries[i + 1] : nil
                if breaks.contains(entry.seq) || next.map({ breaks.contains($0.seq) }) == true {
                    suspects.append((entry.line, entry.seq))
                } else {
                    outcome.diverging.append(PutBackLine(journal: file.path, line: entry.line, seq: entry.seq))
                }
            }
            for suspect in suspects {
                let place = PutBackLine(journal: file.path, line: suspect.line, seq: suspect.seq)
                guard let theirs = try await db.line(storeID: storeID, journal: file.path, seq: suspect.seq) else {
                    outcome.notRestored.append(place)
                    continue
                }
                switch try store.putBack(journal: file.path, line: suspect.line, candidate: theirs.bytes) {
                case .restored: outcome.restored.append(place)
                case .doesNotFit: outcome.notRestored.append(place)
                case .busy: outcome.busy.append(file.path)
                }
            }
        }
        return outcome
    }
}
