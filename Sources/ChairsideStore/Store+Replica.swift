import ChairsideCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The store's side of a replica (issue 18): rebuilding a store from replicated lines, putting a
/// damaged line back, and the read-only copies of the other rooms' records.
public enum ReplicaRestore {
    /// Makes `root` (missing or empty) a store with the given ID, ready to receive journals.
    /// Refuses a folder that holds anything: a restore never mixes with other records.
    public static func prepare(root: String, storeID: String) throws(StoreError) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        if !names.isEmpty { throw .notAStore(root) }
        let files = DurableFiles(root: root)
        try files.makeDirectory(root)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let marker = StoreMarker(format: StoreMarker.format, storeID: storeID)
        let data = (try? encoder.encode(marker)) ?? Data()
        try files.replace(root + "/" + StoreMarker.fileName, with: data + Data("\n".utf8))
        for sub in ["days", "patients", "quarantine"] { try files.makeDirectory(root + "/" + sub) }
    }

    /// Writes one journal's lines (in sequence order, as replicated) durably as a new file.
    public static func writeJournal(root: String, journal: String, lines: [Data]) throws(StoreError) {
        guard StoreJournals.isJournalPath(journal) else { throw .corrupt(path: journal, reason: "not a journal path") }
        let files = DurableFiles(root: root)
        let path = root + "/" + journal
        try files.makeDirectory((path as NSString).deletingLastPathComponent)
        let fd = try files.createJournal(path)
        defer { close(fd) }
        var all = Data()
        for line in lines { all.append(line) }
        try files.append(fd, all, knownLength: 0, path: path)
    }
}

extension Store {
    /// What `putBack` did with a candidate line.
    public enum PutBack: Equatable, Sendable {
        case restored
        /// The candidate does not fit between the journal's neighbours (or the line is intact).
        case doesNotFit
        /// Another console holds the journal: try again when it is closed.
        case busy
    }

    /// Puts `candidate` (a line from the replica, newline included) in place of the journal's line
    /// number `line` (1-based), only if it fits the hash chain between the lines around it. The
    /// journal as it was is copied to quarantine first; the new journal replaces it durably, under
    /// the journal's lock.
    public func putBack(journal: String, line: Int, candidate: Data) throws(StoreError) -> PutBack {
        try requireWritable()
        guard StoreJournals.isJournalPath(journal) else { throw .corrupt(path: journal, reason: "not a journal path") }
        let path = root + "/" + journal
        let fd = try files.openJournal(path)
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return .busy }
        let data = try files.read(path, limit: Self.maxJournalBytes)
        var ranges: [Range<Int>] = []
        var start = 0
        for (i, byte) in data.enumerated() where byte == 0x0A {
            ranges.append(start..<(i + 1))
            start = i + 1
        }
        if start < data.count { ranges.append(start..<data.count) }
        guard line >= 1, line <= ranges.count else { return .doesNotFit }
        let here = ranges[line - 1]
        let current = data.subdata(in: here)
        guard current != candidate else { return .doesNotFit }
        let previous = line >= 2 ? data.subdata(in: ranges[line - 2]) : nil
        let next = line < ranges.count ? data.subdata(in: ranges[line]) : nil
        let nextWhole = next.flatMap { $0.last == 0x0A ? $0 : nil }
        guard JournalChain.fits(candidate, previous: previous, next: nextWhole) else { return .doesNotFit }
        _ = try quarantineCopy(path, reason: "line \(line) put back from the replica")
        var repaired = data.subdata(in: 0..<here.lowerBound)
        repaired.append(candidate)
        repaired.append(data.subdata(in: here.upperBound..<data.count))
        try files.replace(path, with: repaired)
        days = [:]
        return .restored
    }
}

/// The other rooms' records, pulled read-only from the replica into `replica/rooms/<storeID>/`,
/// laid out as a store (byte-identical journals), so they are read with the store's own code.
/// Never opened for writing: a session stays writable only in the store that started it.
public enum RoomArea {
    public static func root(of storeRoot: String, room: String) -> String { storeRoot + "/replica/rooms/" + room }

    /// A store ID is a lowercase UUID; anything else from a replica is refused (it names a folder).
    public static func isStoreID(_ id: String) -> Bool {
        guard let uuid = UUID(uuidString: id) else { return false }
        return uuid.uuidString.lowercased() == id
    }

    /// The rooms pulled so far (their store IDs).
    public static func rooms(of storeRoot: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: storeRoot + "/replica/rooms")) ?? []
        return names.filter(isStoreID).sorted()
    }

    /// Every room pulled so far, opened for reading: their patients and days, read-only.
    public static func open(storeRoot: String, timeZone: TimeZone, today: ClinicDay) -> [(id: String, store: Store)] {
        rooms(of: storeRoot).compactMap { id in
            (try? Store(root: root(of: storeRoot, room: id), timeZone: timeZone, today: today, access: .read)).map {
                (id, $0)
            }
        }
    }

    /// The highest sequence number of a pulled journal's intact lines (0 when there is none) and its length.
    public static func end(storeRoot: String, room: String, journal: String) -> (lastSeq: Int, bytes: Int) {
        let path = root(of: storeRoot, room: room) + "/" + journal
        guard let data = try? DurableFiles(root: storeRoot).read(path, limit: Store.maxJournalBytes) else {
            return (0, 0)
        }
        let scan = JournalScan(data)
        return (scan.entries.map(\.seq).max() ?? 0, scan.goodLength)
    }

    /// Appends lines (the next ones in sequence) to a pulled journal, durably.
    public static func append(storeRoot: String, room: String, journal: String, lines: [Data], after bytes: Int)
        throws(StoreError)
    {
        guard isStoreID(room), StoreJournals.isJournalPath(journal) else {
            throw .corrupt(path: journal, reason: "not a journal path")
        }
        let files = DurableFiles(root: storeRoot)
        let path = root(of: storeRoot, room: room) + "/" + journal
        try files.makeDirectory((path as NSString).deletingLastPathComponent)
        let fd = files.kind(path) == nil ? try files.createJournal(path) : try files.openJournal(path)
        defer { close(fd) }
        if (files.size(path) ?? 0) != bytes { try files.truncate(path, to: bytes) }
        var all = Data()
        for line in lines { all.append(line) }
        try files.append(fd, all, knownLength: bytes, path: path)
    }
}

extension RoomArea {
    static let watermarkPath = "replica/rooms/pulled.json"

    private struct Watermark: Codable { var id: Int }

    /// How far the pulls got (the replica's arrival order); 0 when nothing was pulled. Derived:
    /// without it the next pull starts from the beginning and skips what the rooms already hold.
    public static func pullWatermark(storeRoot: String) -> Int {
        let files = DurableFiles(root: storeRoot)
        guard let data = try? files.read(storeRoot + "/" + watermarkPath, limit: 4096),
            let mark = try? JSONDecoder().decode(Watermark.self, from: data)
        else { return 0 }
        return mark.id
    }

    public static func setPullWatermark(_ id: Int, storeRoot: String) throws(StoreError) {
        let files = DurableFiles(root: storeRoot)
        try files.makeDirectory(storeRoot + "/replica/rooms")
        try files.replace(
            storeRoot + "/" + watermarkPath, with: (try? JSONEncoder().encode(Watermark(id: id))) ?? Data())
    }
}

extension Store {
    /// This store's sessions of the day and every pulled room's (read-only), oldest first: what
    /// Today shows with "all rooms". A pulled room's sessions can be read, never recorded into.
    public func sessionsInAllRooms(on day: ClinicDay) throws(StoreError) -> [SessionSummary] {
        var all = try sessions(on: day)
        for (_, room) in RoomArea.open(storeRoot: root, timeZone: timeZone, today: day) {
            all += (try? room.sessions(on: day)) ?? []
        }
        return all.sorted { ($0.startedAt, $0.id) < ($1.startedAt, $1.id) }
    }

    /// Every room's patients: this store's first (room nil), then each pulled room's, by store ID.
    /// Two rooms registering the same person give two records (joining them is not built yet).
    public func patientsInAllRooms() -> [(room: String?, patient: Patient)] {
        var out: [(room: String?, patient: Patient)] = directory.patients.map { (nil, $0) }
        let today = ClinicDay(Date(), timeZone: timeZone)
        for (id, room) in RoomArea.open(storeRoot: root, timeZone: timeZone, today: today) {
            out += room.directory.patients.map { (id, $0) }
        }
        return out
    }
}
