import ChairsideCore
import ChairsideStore
import Foundation
import Logging

/// Ships a store's journal lines to the replica: every intact, acknowledged line, keyed by
/// (store ID, journal, seq), with its exact bytes and hash. At-least-once and idempotent: a line
/// the replica already holds with the same hash is skipped; with a different hash it is a
/// divergence, reported loudly and never overwritten.
///
/// The watermark — which lines the replica holds — is rebuilt from the database at every
/// (re)connection (`shippedHashes`), so nothing local can make it lie. A poll compares each
/// journal's size and mtime with the last pass and re-reads only those that changed.
public final class Shipper {
    public let root: String
    public let storeID: String
    let log: Logger
    /// journal → seq → hash of what the replica holds (from the database, then kept up to date).
    var shipped: [String: [Int: String]] = [:]
    /// Journals as they were when every line of them was last found shipped.
    var seen: [String: JournalFile] = [:]
    /// Divergent keys already reported (journal#seq).
    public private(set) var divergent: Set<String> = []
    public static let batchLines = 1000

    public init(root: String, storeID: String, log: Logger) {
        self.root = root
        self.storeID = storeID
        self.log = log
    }

    /// After a (re)connection: the watermark from the database; every journal is looked at again.
    func resume(from db: ReplicaDatabase) async throws {
        shipped = try await db.shippedHashes(storeID: storeID)
        seen = [:]
    }

    /// Lines of changed journals that the replica does not hold yet, and divergences found on the way.
    func pending() -> (
        lines: [(journal: String, line: StoredLine)], files: [JournalFile], divergences: [ReplicaDatabase.Conflict]
    ) {
        var found: [ReplicaDatabase.Conflict] = []
        var out: [(journal: String, line: StoredLine)] = []
        var files: [JournalFile] = []
        for file in StoreJournals.list(root: root) where seen[file.path] != file {
            guard let contents = try? StoreJournals.read(root: root, journal: file.path) else { continue }
            files.append(file)
            let held = shipped[file.path] ?? [:]
            for line in contents.lines {
                if let hash = held[line.seq] {
                    if hash != line.hash, reportDivergence(file.path, line.seq) {
                        found.append(.init(journal: file.path, seq: line.seq, localHash: line.hash, replicaHash: hash))
                    }
                } else {
                    out.append((file.path, line))
                }
            }
        }
        return (out, files, found)
    }

    /// Logs a divergence the first time it is seen; true then.
    @discardableResult
    func reportDivergence(_ journal: String, _ seq: Int) -> Bool {
        let key = "\(journal)#\(seq)"
        guard !divergent.contains(key) else { return false }
        divergent.insert(key)
        log.error(
            """
            DIVERGENCE: \(journal) line #\(seq) differs from the replica's copy; the replica keeps its copy. \
            Run `chairside check --repair-from-replica` to put the replica's line back if it fits the chain.
            """)
        return true
    }

    /// One pass: ships what is new, in batches. `progress` gets the number still waiting.
    /// Returns how many lines were shipped.
    @discardableResult
    func pass(_ db: ReplicaDatabase, progress: (Int) -> Void) async throws -> Int {
        let (lines, files, divergences) = pending()
        try await db.record(storeID: storeID, divergences: divergences)
        var remaining = lines.count
        if remaining > 0 { progress(remaining) }
        var start = 0
        while start < lines.count {
            let batch = Array(lines[start..<min(start + Self.batchLines, lines.count)])
            let conflicts = try await db.insert(storeID: storeID, lines: batch)
            let conflicted = Set(conflicts.map { "\($0.journal)#\($0.seq)" })
            for item in batch where !conflicted.contains("\(item.journal)#\(item.line.seq)") {
                shipped[item.journal, default: [:]][item.line.seq] = item.line.hash
            }
            for c in conflicts {
                shipped[c.journal, default: [:]][c.seq] = c.replicaHash
                reportDivergence(c.journal, c.seq)
            }
            start += batch.count
            remaining -= batch.count
            progress(remaining)
        }
        for file in files { seen[file.path] = file }
        return lines.count
    }

    /// Lines not in the replica as far as this process knows (for the status while unreachable).
    /// Counted per journal and kept while the journal's size and mtime stay the same, so the
    /// retry loop of an outage re-reads only journals that grew.
    func waitingCount() -> Int {
        var n = 0
        var kept: [String: (file: JournalFile, waiting: Int)] = [:]
        for file in StoreJournals.list(root: root) where seen[file.path] != file {
            if let cached = waitingCache[file.path], cached.file == file {
                kept[file.path] = cached
                n += cached.waiting
                continue
            }
            guard let contents = try? StoreJournals.read(root: root, journal: file.path) else { continue }
            let held = shipped[file.path] ?? [:]
            let waiting = contents.lines.filter { held[$0.seq] == nil }.count
            kept[file.path] = (file, waiting)
            n += waiting
        }
        waitingCache = kept
        return n
    }

    private var waitingCache: [String: (file: JournalFile, waiting: Int)] = [:]
}
