import Foundation

/// The patient directory as one flat byte buffer, so a store of 40,000 patients can be searched
/// without decoding (or even reading) all of it: the store maps the file and this type reads
/// only the pages a lookup touches. Nothing here does I/O; the bytes come from the caller.
///
/// Layout (integers little-endian):
///
/// Opening checks the header only (so it touches one page whatever the size); every offset read
/// from the tables is checked where it is used, so a damaged buffer gives wrong text, never a
/// read out of bounds, until `check` rebuilds it.
///
///     0   "CHDIR001"
///     8   u64 stamp.journalBytes   16  u64 stamp.lastSeq    (what the snapshot was made from)
///     24  u32 count                28  u32 foldedBlob offset   32  u32 recordBlob offset   36  u32 total
///     40  u32 foldedStart[count+1], u32 recordStart[count+1]   (per rank, rank = name order)
///         u32 idOrder[count], u32 chartOrder[count]             (ranks sorted by id / folded chart)
///         folded blob: each patient's folded name and chart words, space-separated
///         record blob: each patient's fields (id, name, chart, folded chart, birth, skin type, notes)
///
/// The search scans only the folded blob (about 30 bytes a patient), so its pages are all a
/// search keeps resident; records are read for the hits.
public struct CompactDirectory: Sendable {
    public struct Stamp: Equatable, Sendable {
        public var journalBytes: Int
        public var lastSeq: Int
        public init(journalBytes: Int, lastSeq: Int) {
            self.journalBytes = journalBytes
            self.lastSeq = lastSeq
        }
    }

    public let bytes: Data
    public let count: Int
    public let stamp: Stamp
    private let foldedStartAt: Int, recordStartAt: Int, idOrderAt: Int, chartOrderAt: Int
    private let foldedBlob: Int, recordBlob: Int

    static let magic = Array("CHDIR001".utf8)
    static let headerSize = 40

    public static let empty = CompactDirectory(patients: [], stamp: Stamp(journalBytes: 0, lastSeq: 0))

    /// Opens a buffer made by `init(patients:stamp:)`; nil when it is not one (damaged or foreign).
    public init?(bytes: Data) {
        let ok: (Int, Stamp, Int, Int)? = bytes.withUnsafeBytes { raw in
            guard raw.count >= Self.headerSize, Array(raw[0..<8]) == Self.magic else { return nil }
            let count = Int(Self.u32(raw, 24))
            let folded = Int(Self.u32(raw, 28))
            let records = Int(Self.u32(raw, 32))
            guard Int(Self.u32(raw, 36)) == raw.count, count < 1 << 26 else { return nil }
            let tables = Self.headerSize + 4 * (2 * (count + 1) + 2 * count)
            guard folded == tables, records >= folded, records <= raw.count else { return nil }
            let stamp = Stamp(journalBytes: Int(Self.u64(raw, 8)), lastSeq: Int(Self.u64(raw, 16)))
            return (count, stamp, folded, records)
        }
        guard let (count, stamp, folded, records) = ok else { return nil }
        self.bytes = bytes
        self.count = count
        self.stamp = stamp
        foldedStartAt = Self.headerSize
        recordStartAt = Self.headerSize + 4 * (count + 1)
        idOrderAt = Self.headerSize + 8 * (count + 1)
        chartOrderAt = idOrderAt + 4 * count
        foldedBlob = folded
        recordBlob = records
    }

    /// Builds the buffer: one entry per patient (the last of each ID wins), in name order.
    public init(patients list: [Patient], stamp: Stamp) {
        var latest: [String: Int] = [:]
        var unique: [Patient] = []
        for p in list {
            if let i = latest[p.id] {
                unique[i] = p
            } else {
                latest[p.id] = unique.count
                unique.append(p)
            }
        }
        let sorted = unique.sorted { ($0.name, $0.id) < ($1.name, $1.id) }
        let folded = sorted.map { Array(Self.searchText(of: $0).utf8) }
        let charts = sorted.map { Array(Self.fold($0.chartNumber).utf8) }
        let ids = sorted.map { Array($0.id.utf8) }
        let n = sorted.count
        var records: [UInt8] = []
        var recordStarts: [UInt32] = [0]
        for (i, p) in sorted.enumerated() {
            for field in [ids[i], Array(p.name.utf8), Array(p.chartNumber.utf8), charts[i]] {
                Self.put32(&records, UInt32(field.count))
                records += field
            }
            let dob = p.dateOfBirth.map { UInt32($0.year * 10_000 + $0.month * 100 + $0.day) } ?? 0
            Self.put32(&records, dob)
            records.append(UInt8(p.fitzpatrick.map { max(0, min(255, $0)) } ?? 255))
            let notes = Array(p.notes.utf8)
            Self.put32(&records, UInt32(notes.count))
            records += notes
            // Later fields trail the record; a record without them (older directories) reads them as absent.
            if p.phone != nil || p.seriesStop != nil {
                let phone = Array((p.phone ?? "").utf8)
                Self.put32(&records, UInt32(phone.count))
                records += phone
                if let stop = p.seriesStop {
                    Self.put32(&records, UInt32(stop.on.year * 10_000 + stop.on.month * 100 + stop.on.day))
                    records.append(stop.outcome == .finished ? 1 : 2)
                    let reason = Array(stop.reason.utf8)
                    Self.put32(&records, UInt32(reason.count))
                    records += reason
                }
            }
            recordStarts.append(UInt32(records.count))
        }
        var foldedStarts: [UInt32] = [0]
        var blob: [UInt8] = []
        for f in folded {
            blob += f
            foldedStarts.append(UInt32(blob.count))
        }
        let idOrder = (0..<n).sorted { ids[$0].lexicographicallyPrecedes(ids[$1]) }
        let chartOrder = (0..<n).sorted {
            charts[$0] == charts[$1] ? $0 < $1 : charts[$0].lexicographicallyPrecedes(charts[$1])
        }
        var out: [UInt8] = Self.magic
        Self.put64(&out, UInt64(stamp.journalBytes))
        Self.put64(&out, UInt64(stamp.lastSeq))
        let foldedAt = Self.headerSize + 4 * (2 * (n + 1) + 2 * n)
        Self.put32(&out, UInt32(n))
        Self.put32(&out, UInt32(foldedAt))
        Self.put32(&out, UInt32(foldedAt + blob.count))
        Self.put32(&out, UInt32(foldedAt + blob.count + records.count))
        for v in foldedStarts + recordStarts { Self.put32(&out, v) }
        for v in idOrder + chartOrder { Self.put32(&out, UInt32(v)) }
        out += blob
        out += records
        self.init(bytes: Data(out))!
    }

    // MARK: reading

    /// The patient at a rank (name order).
    public func patient(at rank: Int) -> Patient {
        bytes.withUnsafeBytes { raw in
            guard let range = record(raw, rank) else { return Patient(id: "", name: "", chartNumber: "") }
            var at = range.lowerBound
            let end = range.upperBound
            func field() -> String {
                guard at + 4 <= end else { return "" }
                let n = Int(Self.u32(raw, at))
                at += 4
                guard at + n <= end else {
                    at = end
                    return ""
                }
                defer { at += n }
                return String(decoding: UnsafeRawBufferPointer(rebasing: raw[at..<at + n]), as: UTF8.self)
            }
            let id = field()
            let name = field()
            let chart = field()
            _ = field()
            var dob: ClinicDay?
            var fitz: Int?
            var notes = ""
            if at + 5 <= end {
                let d = Int(Self.u32(raw, at))
                if d > 0 { dob = ClinicDay(year: d / 10_000, month: d / 100 % 100, day: d % 100) }
                let f = raw[at + 4]
                fitz = f == 255 ? nil : Int(f)
                at += 5
                notes = field()
            }
            var phone: String?
            var stop: SeriesStop?
            if at + 4 <= end {
                let text = field()
                phone = text.isEmpty ? nil : text
            }
            if at + 5 <= end {
                let d = Int(Self.u32(raw, at))
                let outcome: SeriesStop.Outcome = raw[at + 4] == 1 ? .finished : .stopped
                at += 5
                let reason = field()
                let day = ClinicDay(year: d / 10_000, month: d / 100 % 100, day: d % 100)
                stop = SeriesStop(outcome: outcome, on: day, reason: reason)
            }
            return Patient(
                id: id, name: name, dateOfBirth: dob, chartNumber: chart, fitzpatrick: fitz, notes: notes, phone: phone,
                seriesStop: stop)
        }
    }

    /// The ID at a rank, without decoding the rest of the record.
    public func id(at rank: Int) -> String {
        bytes.withUnsafeBytes { raw in String(decoding: field(raw, rank: rank, index: 0), as: UTF8.self) }
    }

    /// The rank of a patient ID, by binary search.
    public func rank(ofID id: String) -> Int? {
        let key = Array(id.utf8)
        return bytes.withUnsafeBytes { raw in
            bound(raw, order: idOrderAt, key: key, field: 0)
        }
    }

    /// Ranks whose folded chart number is exactly `folded`, lowest rank first.
    public func ranks(ofFoldedChart folded: String) -> [Int] {
        let key = Array(folded.utf8)
        return bytes.withUnsafeBytes { raw in
            var lo = 0
            var hi = count
            while lo < hi {
                let mid = (lo + hi) / 2
                let r = order(raw, chartOrderAt, mid)
                if field(raw, rank: r, index: 3).lexicographicallyPrecedes(key) { lo = mid + 1 } else { hi = mid }
            }
            var out: [Int] = []
            while lo < count {
                let r = order(raw, chartOrderAt, lo)
                guard field(raw, rank: r, index: 3).elementsEqual(key) else { break }
                out.append(r)
                lo += 1
            }
            return out
        }
    }

    /// Ranks in name order whose words start with every typed word, skipping those `skip` rejects,
    /// until `limit`.
    public func search(typed: [[UInt8]], limit: Int, skip: (Int) -> Bool) -> [Int] {
        var hits: [Int] = []
        guard limit > 0 else { return hits }
        bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let blobEnd = recordBlob - foldedBlob
            var start = Int(Self.u32(raw, foldedStartAt))
            for rank in 0..<count {
                let end = Int(Self.u32(raw, foldedStartAt + 4 * (rank + 1)))
                defer { start = end }
                guard start <= end, end <= blobEnd else { continue }
                let text = UnsafeBufferPointer(start: base + foldedBlob + start, count: end - start)
                guard typed.allSatisfy({ Self.startsAWord(text, $0) }), !skip(rank) else { continue }
                hits.append(rank)
                if hits.count >= limit { return }
            }
        }
        return hits
    }

    /// True when some space-separated word of `text` begins with `word`.
    public static func startsAWord(_ text: UnsafeBufferPointer<UInt8>, _ word: [UInt8]) -> Bool {
        let n = word.count
        guard n > 0 else { return true }
        guard text.count >= n else { return false }
        return word.withUnsafeBufferPointer { w in
            let first = w[0]
            var i = 0
            let last = text.count - n
            while i <= last {
                if text[i] == first && (i == 0 || text[i - 1] == 0x20) {
                    var j = 1
                    while j < n && text[i + j] == w[j] { j += 1 }
                    if j == n { return true }
                }
                i += 1
            }
            return false
        }
    }

    // MARK: helpers

    /// Folded like the search folds what is typed: case, accents and width ignored.
    public static func fold(_ s: String) -> String {
        s.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
    }

    /// The words a patient is found by: name and chart number, folded, single spaces.
    public static func searchText(of p: Patient) -> String {
        fold(p.name + " " + p.chartNumber).split(separator: " ").joined(separator: " ")
    }

    /// A rank's record bytes, nil when the table says something impossible (damage).
    private func record(_ raw: UnsafeRawBufferPointer, _ rank: Int) -> Range<Int>? {
        guard rank >= 0, rank < count else { return nil }
        let start = recordBlob + Int(Self.u32(raw, recordStartAt + 4 * rank))
        let end = recordBlob + Int(Self.u32(raw, recordStartAt + 4 * (rank + 1)))
        guard start <= end, end <= raw.count else { return nil }
        return start..<end
    }

    /// Entry `i` of an order table: a rank (a damaged entry reads as rank 0).
    private func order(_ raw: UnsafeRawBufferPointer, _ table: Int, _ i: Int) -> Int {
        let r = Int(Self.u32(raw, table + 4 * i))
        return r < count ? r : 0
    }

    private func field(_ raw: UnsafeRawBufferPointer, rank: Int, index: Int) -> UnsafeRawBufferPointer {
        guard let range = record(raw, rank) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        var at = range.lowerBound
        let end = range.upperBound
        var i = 0
        while at + 4 <= end {
            let n = Int(Self.u32(raw, at))
            at += 4
            guard at + n <= end else { break }
            if i == index { return UnsafeRawBufferPointer(rebasing: raw[at..<at + n]) }
            at += n
            i += 1
        }
        return UnsafeRawBufferPointer(start: nil, count: 0)
    }

    private func bound(_ raw: UnsafeRawBufferPointer, order: Int, key: [UInt8], field index: Int) -> Int? {
        var lo = 0
        var hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            let r = self.order(raw, order, mid)
            let f = field(raw, rank: r, index: index)
            if f.elementsEqual(key) { return r }
            if f.lexicographicallyPrecedes(key) { lo = mid + 1 } else { hi = mid }
        }
        return nil
    }

    static func u32(_ raw: UnsafeRawBufferPointer, _ at: Int) -> UInt32 {
        UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self))
    }

    static func u64(_ raw: UnsafeRawBufferPointer, _ at: Int) -> UInt64 {
        UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self))
    }

    static func put32(_ out: inout [UInt8], _ v: UInt32) {
        withUnsafeBytes(of: v.littleEndian) { out += $0 }
    }

    static func put64(_ out: inout [UInt8], _ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { out += $0 }
    }
}
