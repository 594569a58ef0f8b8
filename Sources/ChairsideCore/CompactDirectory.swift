import Foundation

/// The patient directory as one flat byte buffer, so a store of 40,000 patients can be searched
/// without decoding (or even reading) all of it: the store reads the file a page at a time
/// (`DirectoryBytes`) and this type touches only the pages a lookup needs. Nothing here does
/// I/O; the bytes come from the caller.
///
/// Layout (integers little-endian):
///
/// Opening checks the header only (so it touches one page whatever the size); every offset read
/// from the tables is checked where it is used, so a damaged buffer gives wrong text, never a
/// read out of bounds, until `check` rebuilds it.
///
///     0   "CHDIR002"
///     8   u64 stamp.journalBytes   16  u64 stamp.lastSeq    (what the snapshot was made from)
///     24  u32 count                28  u32 foldedBlob offset   32  u32 recordBlob offset   36  u32 total
///     40  u32 wordIndex offset     44  u32 word count
///     48  u32 foldedStart[count+1], u32 recordStart[count+1]   (per rank, rank = name order)
///         u32 idOrder[count], u32 chartOrder[count]             (ranks sorted by id / folded chart)
///         folded blob: each patient's folded name and chart words, space-separated
///         record blob: each patient's fields (id, name, chart, folded chart, birth, skin type, notes)
///         word index: (u32 word's offset in the folded blob, u32 rank) per word, sorted by word then rank
///
/// A search looks up each typed word's prefix range in the word index (a binary search: a few
/// pages) and, when one range is narrow, reads only those candidates; a typed word common to
/// many patients is served by scanning the folded blob (about 30 bytes a patient) in name order,
/// which then meets its limit within the first few pages. Records are read for the hits only.
public struct CompactDirectory: Sendable {
    public struct Stamp: Equatable, Sendable {
        public var journalBytes: Int
        public var lastSeq: Int
        public init(journalBytes: Int, lastSeq: Int) {
            self.journalBytes = journalBytes
            self.lastSeq = lastSeq
        }
    }

    /// The buffer: in memory, or read from the store's file a page at a time.
    public let storage: DirectoryBytes
    public let count: Int
    public let stamp: Stamp
    private let foldedStartAt: Int, recordStartAt: Int, idOrderAt: Int, chartOrderAt: Int
    private let foldedBlob: Int, recordBlob: Int, wordIndexAt: Int, wordCount: Int

    static let magic = Array("CHDIR002".utf8)
    static let headerSize = 48
    /// A typed word whose prefix range holds more candidates than this is served by the scan in name
    /// order instead: it is then common enough that the scan finds its hits within a few pages.
    public static let candidateLimit = 4096

    public static let empty = CompactDirectory(patients: [], stamp: Stamp(journalBytes: 0, lastSeq: 0))

    /// Every byte of the buffer (to write it out, or compare it).
    public var bytes: Data { storage.data }

    /// Opens a buffer made by `init(patients:stamp:)`; nil when it is not one (damaged or foreign).
    public init?(bytes: Data) { self.init(storage: DirectoryBytes(bytes)) }

    /// Opens a directory file the store reads a page at a time; nil when it is not one.
    public init?(source: any DirectoryPageSource) { self.init(storage: DirectoryBytes(source: source)) }

    private init?(storage: DirectoryBytes) {
        // Opening reads the header only: one page, whatever the size.
        let ok: (Int, Stamp, Int, Int, Int, Int)? = storage.with { r in
            guard r.count >= Self.headerSize, r.bytes(0..<8) == Self.magic else { return nil }
            let count = Int(r.u32(24))
            let folded = Int(r.u32(28))
            let records = Int(r.u32(32))
            let wordsAt = Int(r.u32(40))
            let words = Int(r.u32(44))
            guard Int(r.u32(36)) == r.count, count < 1 << 26, words < 1 << 28 else { return nil }
            let tables = Self.headerSize + 4 * (2 * (count + 1) + 2 * count)
            guard folded == tables, records >= folded, wordsAt >= records, wordsAt + 8 * words == r.count else {
                return nil
            }
            let stamp = Stamp(journalBytes: Int(r.u64(8)), lastSeq: Int(r.u64(16)))
            return (count, stamp, folded, records, wordsAt, words)
        }
        guard let (count, stamp, folded, records, wordsAt, words) = ok else { return nil }
        self.storage = storage
        self.count = count
        self.stamp = stamp
        foldedStartAt = Self.headerSize
        recordStartAt = Self.headerSize + 4 * (count + 1)
        idOrderAt = Self.headerSize + 8 * (count + 1)
        chartOrderAt = idOrderAt + 4 * count
        foldedBlob = folded
        recordBlob = records
        wordIndexAt = wordsAt
        wordCount = words
    }

    /// True for a directory written by an earlier version ("CHDIR001", before the word index): out of
    /// date rather than damaged.
    public static func isEarlierLayout(_ bytes: Data) -> Bool {
        bytes.count >= 8 && bytes.prefix(6).elementsEqual("CHDIR0".utf8) && !bytes.prefix(8).elementsEqual(magic)
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
            // Later fields trail the record only when set, so snapshots from before them read the same:
            // the merge (into, when), then the phone, then the series stop. Whoever writes a later field
            // writes the earlier ones too (empty), so a reader always knows where it is.
            let hasContact = p.phone != nil || p.seriesStop != nil
            if p.mergedInto != nil || p.mergeRecordedAt != nil || hasContact {
                let into = Array((p.mergedInto ?? "").utf8)
                Self.put32(&records, UInt32(into.count))
                records += into
                let at = Array((p.mergeRecordedAt.map(Timestamp.format) ?? "").utf8)
                Self.put32(&records, UInt32(at.count))
                records += at
            }
            if hasContact {
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
        // Every word of every folded text, by its bytes then rank.
        var words: [(word: ArraySlice<UInt8>, at: Int, rank: Int)] = []
        for (rank, text) in folded.enumerated() {
            var i = 0
            for word in text.split(separator: 0x20, omittingEmptySubsequences: false) {
                if !word.isEmpty { words.append((word, Int(foldedStarts[rank]) + i, rank)) }
                i += word.count + 1
            }
        }
        words.sort { $0.word == $1.word ? $0.rank < $1.rank : $0.word.lexicographicallyPrecedes($1.word) }
        var out: [UInt8] = Self.magic
        Self.put64(&out, UInt64(stamp.journalBytes))
        Self.put64(&out, UInt64(stamp.lastSeq))
        let foldedAt = Self.headerSize + 4 * (2 * (n + 1) + 2 * n)
        let wordsAt = foldedAt + blob.count + records.count
        Self.put32(&out, UInt32(n))
        Self.put32(&out, UInt32(foldedAt))
        Self.put32(&out, UInt32(foldedAt + blob.count))
        Self.put32(&out, UInt32(wordsAt + 8 * words.count))
        Self.put32(&out, UInt32(wordsAt))
        Self.put32(&out, UInt32(words.count))
        for v in foldedStarts + recordStarts { Self.put32(&out, v) }
        for v in idOrder + chartOrder { Self.put32(&out, UInt32(v)) }
        out += blob
        out += records
        out.reserveCapacity(out.count + 8 * words.count)
        for w in words {
            Self.put32(&out, UInt32(w.at))
            Self.put32(&out, UInt32(w.rank))
        }
        self.init(bytes: Data(out))!
    }

    // MARK: reading

    /// The patient at a rank (name order).
    public func patient(at rank: Int) -> Patient {
        storage.with { r in
            guard let range = record(r, rank) else { return Patient(id: "", name: "", chartNumber: "") }
            var at = range.lowerBound
            let end = range.upperBound
            func field() -> String {
                guard at + 4 <= end else { return "" }
                let n = Int(r.u32(at))
                at += 4
                guard at + n <= end else {
                    at = end
                    return ""
                }
                defer { at += n }
                return r.string(at..<at + n)
            }
            let id = field()
            let name = field()
            let chart = field()
            _ = field()
            var dob: ClinicDay?
            var fitz: Int?
            var notes = ""
            var mergedInto: String?
            var mergeRecordedAt: Date?
            if at + 5 <= end {
                let d = Int(r.u32(at))
                if d > 0 { dob = ClinicDay(year: d / 10_000, month: d / 100 % 100, day: d % 100) }
                let f = r.byte(at + 4)
                fitz = f == 255 ? nil : Int(f)
                at += 5
                notes = field()
                if at < end {
                    let into = field()
                    mergedInto = into.isEmpty ? nil : into
                    mergeRecordedAt = Timestamp.parse(field())
                }
            }
            var phone: String?
            var stop: SeriesStop?
            if at + 4 <= end {
                let text = field()
                phone = text.isEmpty ? nil : text
            }
            if at + 5 <= end {
                let d = Int(r.u32(at))
                let outcome: SeriesStop.Outcome = r.byte(at + 4) == 1 ? .finished : .stopped
                at += 5
                let reason = field()
                let day = ClinicDay(year: d / 10_000, month: d / 100 % 100, day: d % 100)
                stop = SeriesStop(outcome: outcome, on: day, reason: reason)
            }
            return Patient(
                id: id, name: name, dateOfBirth: dob, chartNumber: chart, fitzpatrick: fitz, notes: notes,
                mergedInto: mergedInto, mergeRecordedAt: mergeRecordedAt, phone: phone, seriesStop: stop)
        }
    }

    /// True when the record at a rank was merged into another (its trailing merge field is set).
    public func isMerged(at rank: Int) -> Bool {
        storage.with { r in
            guard let range = record(r, rank) else { return false }
            var at = range.lowerBound
            // id, name, chart, folded chart; birth and skin type (5 bytes); notes; then the merge.
            for i in 0..<6 {
                if i == 4 {
                    at += 5
                    continue
                }
                guard at + 4 <= range.upperBound else { return false }
                at += 4 + Int(r.u32(at))
            }
            return at + 4 <= range.upperBound && r.u32(at) > 0
        }
    }

    /// The ranks of records merged into another, in one pass that decodes no name.
    public func mergedRanks() -> [Int] {
        (0..<count).filter(isMerged(at:))
    }

    /// The ID at a rank, without decoding the rest of the record.
    public func id(at rank: Int) -> String {
        storage.with { r in String(decoding: field(r, rank: rank, index: 0), as: UTF8.self) }
    }

    /// The rank of a patient ID, by binary search.
    public func rank(ofID id: String) -> Int? {
        let key = Array(id.utf8)
        return storage.with { r in
            bound(r, order: idOrderAt, key: key, field: 0)
        }
    }

    /// Ranks whose folded chart number is exactly `folded`, lowest rank first.
    public func ranks(ofFoldedChart folded: String) -> [Int] {
        let key = Array(folded.utf8)
        return storage.with { r in
            var lo = 0
            var hi = count
            while lo < hi {
                let mid = (lo + hi) / 2
                let rank = order(r, chartOrderAt, mid)
                if field(r, rank: rank, index: 3).lexicographicallyPrecedes(key) { lo = mid + 1 } else { hi = mid }
            }
            var out: [Int] = []
            while lo < count {
                let rank = order(r, chartOrderAt, lo)
                guard field(r, rank: rank, index: 3) == key else { break }
                out.append(rank)
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
        // The ranks that match, read under the directory's lock; `skip` (which may read the
        // directory itself) runs after, on candidates in name order, until the limit.
        var matches: [Int] = []
        var exhausted = false
        while !exhausted && hits.count < limit {
            let from = matches.last.map { $0 + 1 } ?? 0
            (matches, exhausted) = storage.with { r in self.matching(r, typed: typed, from: from, want: limit) }
            for rank in matches where !skip(rank) {
                hits.append(rank)
                if hits.count >= limit { break }
            }
            if matches.isEmpty { break }
        }
        return hits
    }

    /// Up to `want` matching ranks from `from` on, in name order, and whether there are no more.
    private func matching(_ r: DirectoryBytes.Reader, typed: [[UInt8]], from: Int, want: Int) -> ([Int], Bool) {
        var out: [Int] = []
        // The narrowest typed word's candidates, when few enough. Each has a word starting with
        // that one, so only the other typed words are checked, in name order until the limit:
        // a one-word search reads no folded name at all, only the records of its hits.
        var narrowest: (range: Range<Int>, word: Int)?
        for (w, word) in typed.enumerated() where !word.isEmpty {
            let range = prefixRange(r, word)
            if range.count < narrowest?.range.count ?? Int.max { narrowest = (range, w) }
        }
        if let narrowest, narrowest.range.count <= Self.candidateLimit {
            let others = typed.enumerated().filter { $0.offset != narrowest.word }.map(\.element)
            var ranks: [Int] = []
            ranks.reserveCapacity(narrowest.range.count)
            for i in narrowest.range { ranks.append(Int(r.u32(wordIndexAt + 8 * i + 4))) }
            ranks.sort()
            var last = -1
            for rank in ranks where rank != last && rank >= from && rank < count {
                last = rank
                if !others.isEmpty {
                    guard let text = foldedRange(r, rank),
                        r.withBytes(text, { t in others.allSatisfy { Self.startsAWord(t, $0) } })
                    else { continue }
                }
                out.append(rank)
                if out.count >= want { return (out, false) }
            }
            return (out, true)
        }
        var rank = from
        while rank < count {
            defer { rank += 1 }
            guard let text = foldedRange(r, rank),
                r.withBytes(text, { t in typed.allSatisfy { Self.startsAWord(t, $0) } })
            else { continue }
            out.append(rank)
            if out.count >= want { return (out, rank + 1 >= count) }
        }
        return (out, true)
    }

    /// Where a rank's folded words lie in the buffer, nil when the table says something impossible (damage).
    private func foldedRange(_ r: DirectoryBytes.Reader, _ rank: Int) -> Range<Int>? {
        let start = Int(r.u32(foldedStartAt + 4 * rank))
        let end = Int(r.u32(foldedStartAt + 4 * (rank + 1)))
        guard start <= end, end <= recordBlob - foldedBlob else { return nil }
        return foldedBlob + start..<foldedBlob + end
    }

    /// The entries of the word index whose word starts with `prefix` (a binary search).
    private func prefixRange(_ r: DirectoryBytes.Reader, _ prefix: [UInt8]) -> Range<Int> {
        // -1: the entry's word sorts before every word starting with `prefix`; 0: it starts with it; 1: after.
        func side(_ i: Int) -> Int {
            let at = Int(r.u32(wordIndexAt + 8 * i))
            let rank = Int(r.u32(wordIndexAt + 8 * i + 4))
            guard rank < count, let range = foldedRange(r, rank) else { return -1 }
            let offset = at - Int(r.u32(foldedStartAt + 4 * rank))
            guard offset >= 0, offset < range.count else { return -1 }
            return r.withBytes(range) { text in
                var j = 0
                while j < prefix.count {
                    let k = offset + j
                    guard k < text.count, text[k] != 0x20 else { return -1 }  // the word is a shorter prefix
                    if text[k] != prefix[j] { return text[k] < prefix[j] ? -1 : 1 }
                    j += 1
                }
                return 0
            }
        }
        var lo = 0
        var hi = wordCount
        while lo < hi {
            let mid = (lo + hi) / 2
            if side(mid) < 0 { lo = mid + 1 } else { hi = mid }
        }
        var end = lo
        hi = wordCount
        while end < hi {
            let mid = (end + hi) / 2
            if side(mid) <= 0 { end = mid + 1 } else { hi = mid }
        }
        return lo..<end
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
    private func record(_ r: DirectoryBytes.Reader, _ rank: Int) -> Range<Int>? {
        guard rank >= 0, rank < count else { return nil }
        let start = recordBlob + Int(r.u32(recordStartAt + 4 * rank))
        let end = recordBlob + Int(r.u32(recordStartAt + 4 * (rank + 1)))
        guard start <= end, end <= r.count else { return nil }
        return start..<end
    }

    /// Entry `i` of an order table: a rank (a damaged entry reads as rank 0).
    private func order(_ r: DirectoryBytes.Reader, _ table: Int, _ i: Int) -> Int {
        let rank = Int(r.u32(table + 4 * i))
        return rank < count ? rank : 0
    }

    /// Field `index` of a rank's record (a copy: fields are short).
    private func field(_ r: DirectoryBytes.Reader, rank: Int, index: Int) -> [UInt8] {
        guard let range = record(r, rank) else { return [] }
        var at = range.lowerBound
        let end = range.upperBound
        var i = 0
        while at + 4 <= end {
            let n = Int(r.u32(at))
            at += 4
            guard at + n <= end else { break }
            if i == index { return r.bytes(at..<at + n) }
            at += n
            i += 1
        }
        return []
    }

    private func bound(_ r: DirectoryBytes.Reader, order: Int, key: [UInt8], field index: Int) -> Int? {
        var lo = 0
        var hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            let rank = self.order(r, order, mid)
            let f = field(r, rank: rank, index: index)
            if f == key { return rank }
            if f.lexicographicallyPrecedes(key) { lo = mid + 1 } else { hi = mid }
        }
        return nil
    }

    static func put32(_ out: inout [UInt8], _ v: UInt32) {
        withUnsafeBytes(of: v.littleEndian) { out += $0 }
    }

    static func put64(_ out: inout [UInt8], _ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { out += $0 }
    }
}
