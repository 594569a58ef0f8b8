import ChairsideCore
import ChairsideStore
import Foundation
import Logging

/// Pulls the other stores' lines (other rooms, other sites) from the replica into this store's
/// read-only room area (`replica/rooms/<storeID>/`), journal by journal, in sequence order: each
/// pulled journal is byte-identical to its origin up to the lines that arrived. A line whose
/// predecessor has not arrived yet waits for it; the pull watermark never passes a waiting line.
public final class RoomPuller {
    public let root: String
    public let storeID: String
    let log: Logger
    var watermark: Int
    /// room#journal → (last seq, bytes) of the pulled file.
    var ends: [String: (lastSeq: Int, bytes: Int)] = [:]
    /// Passes so far: every 20th (about every 5 s) also re-reads the last 30 s of arrivals.
    var passes = 0
    /// Lines that arrived before their predecessor: room#journal → seq → (arrival id, line).
    var waiting: [String: [Int: (id: Int, line: StoredLine)]] = [:]

    public init(root: String, storeID: String, log: Logger) {
        self.root = root
        self.storeID = storeID
        self.log = log
        watermark = RoomArea.pullWatermark(storeRoot: root)
    }

    /// One pull; returns how many lines were added to the room area.
    @discardableResult
    func pass(_ db: ReplicaDatabase) async throws -> Int {
        var added = 0
        passes += 1
        let lookBack = passes % 20 == 1 ? 30 : 0
        while true {
            let rows = try await db.pull(except: storeID, after: watermark, lookBack: lookBack)
            let fresh = rows.filter { $0.id > watermark }
            var byJournal: [String: [ReplicaDatabase.PulledLine]] = [:]
            for row in rows {
                guard RoomArea.isStoreID(row.storeID), StoreJournals.isJournalPath(row.journal),
                    JournalLine.hash(row.line.bytes) == row.line.hash
                else {
                    log.warning(
                        "skipped a replica row that is not a well-formed line (store \(row.storeID), id \(row.id))")
                    continue
                }
                byJournal[row.storeID + "#" + row.journal, default: []].append(row)
            }
            for (key, list) in byJournal {
                added += try apply(key: key, rows: list)
            }
            let maxID = fresh.map(\.id).max() ?? watermark
            let oldestWaiting = waiting.values.flatMap { $0.values.map(\.id) }.min()
            let next = min(maxID, (oldestWaiting ?? Int.max) - 1)
            if next > watermark {
                watermark = next
                try RoomArea.setPullWatermark(watermark, storeRoot: root)
            }
            if fresh.count < 20_000 { return added }
        }
    }

    private func apply(key: String, rows: [ReplicaDatabase.PulledLine]) throws -> Int {
        let room = String(key.prefix { $0 != "#" })
        let journal = String(key.dropFirst(room.count + 1))
        var end = ends[key] ?? RoomArea.end(storeRoot: root, room: room, journal: journal)
        var queue = waiting[key] ?? [:]
        for row in rows where row.line.seq > end.lastSeq { queue[row.line.seq] = (row.id, row.line) }
        var lines: [Data] = []
        var seq = end.lastSeq
        while let next = queue[seq + 1] {
            lines.append(next.line.bytes)
            queue[seq + 1] = nil
            seq += 1
        }
        waiting[key] = queue.isEmpty ? nil : queue
        guard !lines.isEmpty else { return 0 }
        try RoomArea.append(storeRoot: root, room: room, journal: journal, lines: lines, after: end.bytes)
        end = (seq, end.bytes + lines.reduce(0) { $0 + $1.count })
        ends[key] = end
        return lines.count
    }
}
