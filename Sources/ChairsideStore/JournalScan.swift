import Foundation

/// What reading a journal found: every intact line, wherever damage is, and each damaged line
/// named by its place and the sequence number(s) it stands for.
///
/// The rules (docs/DECISIONS.md, issue 14):
/// - A complete line (ending in a newline) whose own check holds is intact and kept, whatever
///   lies before or after it.
/// - A complete line whose check fails is damage: it stays where it is, byte for byte, and is
///   named. Nothing after it is lost.
/// - Only an unterminated last line (no newline: a write that never finished, so never
///   acknowledged) is a torn tail that may be cut, and with it the lines of a batch left
///   unfinished at the very end (`more` with no closing line).
/// - An unterminated last line that is a whole intact line plus one stray byte is a rotted
///   newline, not a torn write: damage, kept.
public struct JournalScan {
    public struct Entry: Equatable, Sendable {
        public var seq: Int
        public var payload: Data
        /// Byte range of the line in the file, newline included.
        public var start: Int
        public var end: Int
        public var more: Bool
        public var prev: String?
        /// 1-based line number in the file.
        public var line: Int
    }

    public struct DamagedLine: Equatable, Sendable {
        /// 1-based line number in the file.
        public var line: Int
        public var start: Int
        public var end: Int
        /// The sequence numbers this line stands for (from its intact neighbours); `lastSeq <
        /// firstSeq` means an extra line between two consecutive intact ones.
        public var firstSeq: Int
        public var lastSeq: Int
        /// Known exactly when the line's own check held but its content could not be read.
        public var knownSeq: Int?
        /// A rotted newline at the end of the file: the line has no terminator yet.
        public var unterminated = false
        /// The last damaged line with no intact line after it: it may stand for more lines than
        /// one (damage that swallowed newlines), so it is named "#k and any after it".
        public var openEnded = false

        public var seqText: String {
            if lastSeq < firstSeq { return "an extra line after #\(firstSeq - 1)" }
            if openEnded { return "#\(firstSeq) and any after it" }
            return firstSeq == lastSeq ? "#\(firstSeq)" : "#\(firstSeq)–#\(lastSeq)"
        }
    }

    /// Intact lines, in file order.
    public internal(set) var entries: [Entry] = []
    /// Damaged complete lines, in file order.
    public internal(set) var damaged: [DamagedLine] = []
    /// Sequence numbers of intact lines whose `prev` does not name the intact line before them:
    /// an edit, a deleted line or a reordering before that line.
    public internal(set) var chainBreaks: [Int] = []
    /// How many intact lines were written before the hash chain (they carry no `prev`).
    public internal(set) var preChainLines = 0
    /// Byte length of what is kept: everything but a torn tail.
    public var goodLength = 0
    public var totalLength = 0
    /// The hash of the last kept line (`JournalLine.genesis` for an empty journal): the next line's `prev`.
    /// Computed when asked (a journal of one huge junk line is never hashed unless someone needs it).
    public var head: String {
        guard let range = lastLine else { return JournalLine.genesis }
        return lineEnds[range.upperBound] ?? JournalLine.hash(bytes[range])
    }
    private var bytes = Data()
    private var lastLine: Range<Int>?
    /// The highest sequence number in the kept part, damaged lines included: new lines follow it.
    public var lastSeq: Int {
        max(entries.map(\.seq).max() ?? 0, damaged.map { max($0.lastSeq, $0.firstSeq - 1) }.max() ?? 0)
    }

    /// Bytes after `goodLength` are only a torn tail (an unfinished write).
    public var tornTail: Bool { goodLength < totalLength }
    /// No torn tail and no damaged line.
    public var clean: Bool { goodLength == totalLength && damaged.isEmpty }
    /// An unterminated last line that is really a whole line with a rotted newline, or a whole
    /// intact line that lost only its newline (`missingNewline`).
    public var needsTerminator: Bool { missingNewline || (damaged.last?.unterminated ?? false) }
    /// The last line is whole and intact but has no newline: kept (it was synced), newline to be written back.
    public private(set) var missingNewline = false

    /// The bytes after the last intact line past the recorded length are junk (see `init`): one tail.
    public private(set) var junkTail = false

    /// The journal's acknowledgement mark as the store read it beside the journal, if it reads.
    var mark: JournalMark?

    /// Whether the line the mark names is still the last intact line, where the mark says it ends, with
    /// its bytes: the journal's acknowledged end is intact (what is missing, if anything, is inside).
    func endsAsMarked(_ mark: JournalMark) -> Bool {
        guard let last = entries.last, last.seq == mark.seq else { return false }
        return hashOfLine(endingAt: last.end) == mark.head
    }

    /// Numbers up to `upTo` that no line of the journal stands for, read or damaged (`#6`, `#6–#8`).
    func missingNumbers(upTo last: Int) -> [ClosedRange<Int>] {
        var present = IndexSet(entries.map(\.seq))
        for d in damaged where d.firstSeq <= d.lastSeq { present.insert(integersIn: d.firstSeq...d.lastSeq) }
        guard last >= 1 else { return [] }
        var missing = IndexSet(integersIn: 1...last)
        missing.subtract(present)
        return missing.rangeView.map { $0.lowerBound...($0.upperBound - 1) }
    }

    private var lineEnds: [Int: String] = [:]

    /// The hash of the kept line that ends exactly at byte `offset` (newline included), if any.
    public func hashOfLine(endingAt offset: Int) -> String? {
        offset == 0 ? JournalLine.genesis : lineEnds[offset]
    }

    /// `prev`: the hash the first line must chain to (the genesis for a whole journal; the hash of
    /// the line before it when `data` is a journal's tail read from an offset).
    /// `acknowledged`: the length the store recorded of this journal (the day index's
    /// `journalBytes`), when known. Bytes past it that end the file in lines none of which decodes,
    /// starting with one that does not begin like a journal line, are one junk tail (`junkTail`):
    /// never acknowledged, so they go with the torn tail (cut by a repair after a copy is kept)
    /// instead of being named as thousands of unreadable events.
    public init(_ data: Data, prev first: String = JournalLine.genesis, acknowledged: Int? = nil) {
        totalLength = data.count
        self.bytes = data
        let bytes = [UInt8](data)
        var segments: [(start: Int, end: Int)] = []
        var start = 0
        bytes.withUnsafeBufferPointer { buf in
            while start < buf.count {
                guard let p = memchr(buf.baseAddress! + start, 0x0A, buf.count - start) else { break }
                let nl = buf.baseAddress!.distance(to: p.assumingMemoryBound(to: UInt8.self))
                segments.append((start, nl + 1))
                start = nl + 1
            }
        }
        var decoded = segments.map { JournalLine.decode(bytes[$0.start..<($0.end - 1)]) }
        var kept = segments.count
        var rotted = false
        var rottedSeq = 0
        if let acknowledged, acknowledged < bytes.count {
            var run = kept
            while run > 0, decoded[run - 1] == nil, segments[run - 1].start >= acknowledged { run -= 1 }
            let junkStart = run < kept ? segments[run].start : start
            if junkStart < bytes.count, junkStart >= acknowledged {
                let head = bytes[junkStart..<min(bytes.count, junkStart + JournalLine.prefix.count)]
                if !head.elementsEqual(JournalLine.prefix.prefix(head.count)) || head.contains(0) {
                    junkTail = true
                    kept = run
                }
            }
        }
        if start < bytes.count, !junkTail {
            let fragment = bytes[start...]
            if let whole = JournalLine.decode(fragment), !whole.more {
                // A whole, intact line that lost only its newline (`truncate -s -1`): it was
                // synced content, not a write cut short, so it is kept and its newline written back.
                missingNewline = true
                segments.append((start, bytes.count))
                decoded.append(whole)
                kept += 1
            } else if fragment.count > 1, fragment.last != UInt8(ascii: "}"),
                let whole = JournalLine.decode(fragment.dropLast())
            {
                rotted = true
                rottedSeq = whole.seq
                segments.append((start, bytes.count))
                decoded.append(nil)
                kept += 1
            }
        }
        if !rotted {
            // A batch left open at the very end was never acknowledged: it goes with the torn tail.
            while kept > 0, let last = decoded[kept - 1], last.more { kept -= 1 }
        }
        goodLength = kept > 0 ? segments[kept - 1].end : 0
        var hashes: [String] = []
        for i in 0..<kept {
            let seg = segments[i]
            // A line longer than any the store writes is damage and no line names it: not hashed
            // (a huge junk line costs nothing); `head` hashes it if it is the last and is asked for.
            if seg.end - seg.start > JournalLine.maxLength + 1 {
                hashes.append("")
                continue
            }
            if missingNewline && i == segments.count - 1 {
                // Hashed as it will be once its newline is back (the chain covers the newline).
                let h = JournalLine.hash(Data(bytes[seg.start..<seg.end]) + Data([0x0A]))
                hashes.append(h)
                lineEnds[seg.end] = h
                lineEnds[seg.end + 1] = h
                continue
            }
            let h = JournalLine.hash(bytes[seg.start..<seg.end])
            hashes.append(h)
            lineEnds[seg.end] = h
        }
        lastLine = kept > 0 ? segments[kept - 1].start..<segments[kept - 1].end : nil
        for i in 0..<kept {
            let seg = segments[i]
            guard let line = decoded[i] else {
                let isRotted = rotted && i == kept - 1
                // A whole line whose newline rotted (and was written back) still says its number.
                let known =
                    isRotted
                    ? rottedSeq
                    : seg.end - seg.start > 2 ? JournalLine.decode(bytes[seg.start..<(seg.end - 2)])?.seq : nil
                damaged.append(
                    DamagedLine(
                        line: i + 1, start: seg.start, end: seg.end, firstSeq: known ?? 0,
                        lastSeq: known ?? -1, knownSeq: known, unterminated: isRotted))
                continue
            }
            entries.append(
                Entry(
                    seq: line.seq, payload: line.payload, start: seg.start, end: seg.end, more: line.more,
                    prev: line.prev, line: i + 1))
            if let prev = line.prev {
                // Behind a damaged line the link cannot be verified here: that line is already named.
                let before = i == 0 ? first : hashes[i - 1]
                if prev != before && (i == 0 || decoded[i - 1] != nil) { chainBreaks.append(line.seq) }
            } else if entries.count == preChainLines + 1 {
                preChainLines += 1
            }
        }
        nameDamage()
    }

    /// A damaged line's bytes as read, in place (its first MiB when longer: no line the store writes is).
    func lineBytes(of line: DamagedLine) -> Data {
        let start = bytes.startIndex + line.start
        let end = min(bytes.endIndex, start + min(line.end - line.start, JournalLine.maxLength + 2))
        return start < end ? bytes.subdata(in: start..<end) : Data()
    }

    /// Intact lines in sequence order (file order among equal numbers), for replay.
    var inSequence: [Entry] { entries.sorted { ($0.seq, $0.line) < ($1.seq, $1.line) } }

    /// Intact lines whose content the caller could not read (a newer version, a hand edit with a
    /// fresh checksum) become damage, named by their own sequence number.
    mutating func markUnreadable(lines: Set<Int>) {
        guard !lines.isEmpty else { return }
        for entry in entries where lines.contains(entry.line) {
            damaged.append(
                DamagedLine(
                    line: entry.line, start: entry.start, end: entry.end, firstSeq: entry.seq,
                    lastSeq: entry.seq, knownSeq: entry.seq))
        }
        entries.removeAll { lines.contains($0.line) }
        damaged.sort { $0.line < $1.line }
        nameDamage()
    }

    /// Whether an unterminated tail reads as a write cut short: lines that begin like a journal
    /// line and hold no NUL byte (a crash leaves a prefix of what was being written).
    public static func looksTorn(_ tail: Data) -> Bool {
        let prefix = JournalLine.prefix
        let longest = JournalLine.maxLength + 1
        var start = tail.startIndex
        while start < tail.endIndex {
            // Never looks further than one line can be long: a huge tail is decided in its first MiB.
            let window = tail[start..<min(tail.endIndex, start + longest + 1)]
            guard
                let end = window.firstIndex(of: 0x0A).map({ $0 + 1 })
                    ?? (window.endIndex == tail.endIndex ? tail.endIndex : nil)
            else { return false }
            let line = tail[start..<end]
            let head = line.prefix(prefix.count)
            guard head.elementsEqual(prefix.prefix(head.count)), !line.contains(0) else { return false }
            start = end
        }
        return true
    }

    /// The file goes on past the bytes scanned (it is over the size cap): everything after the last
    /// complete line scanned is tail, including a last line that looked whole or rotted at the cut.
    mutating func extendTail(to size: Int) {
        if missingNewline, let last = entries.popLast() {
            missingNewline = false
            goodLength = last.start
        } else if let last = damaged.last, last.unterminated {
            damaged.removeLast()
            goodLength = last.start
        }
        totalLength = size
    }

    /// Cuts the torn tail (after the file was truncated to `goodLength`).
    mutating func dropTornTail() { totalLength = goodLength }

    /// After a rotted last line got its newline.
    mutating func terminated() {
        if missingNewline, let i = entries.indices.last {
            missingNewline = false
            entries[i].end += 1
            goodLength += 1
            totalLength = max(totalLength, goodLength)
            return
        }
        guard let i = damaged.indices.last, damaged[i].unterminated else { return }
        damaged[i].unterminated = false
        damaged[i].end += 1
        goodLength += 1
        totalLength = max(totalLength, goodLength)
    }

    /// Names each damaged line by the sequence numbers between its intact neighbours.
    private mutating func nameDamage() {
        var anchors: [(line: Int, seq: Int)] = entries.map { ($0.line, $0.seq) }
        anchors += damaged.compactMap { d in d.knownSeq.map { (d.line, $0) } }
        anchors.sort { $0.line < $1.line }
        var group: [Int] = []
        var before = 0
        var a = 0
        func flush(next: Int?) {
            defer { group = [] }
            guard !group.isEmpty else { return }
            let room = (next ?? Int.max) - before - 1
            for (k, i) in group.enumerated() {
                damaged[i].openEnded = next == nil && k == group.count - 1
                if next == nil || room == group.count {
                    damaged[i].firstSeq = before + k + 1
                    damaged[i].lastSeq = before + k + 1
                } else {
                    damaged[i].firstSeq = before + 1
                    damaged[i].lastSeq = before + max(room, 0)
                }
            }
        }
        for i in damaged.indices {
            if damaged[i].knownSeq != nil { continue }
            while a < anchors.count && anchors[a].line < damaged[i].line {
                if !group.isEmpty { flush(next: anchors[a].seq) }
                before = anchors[a].seq
                a += 1
            }
            group.append(i)
        }
        flush(next: a < anchors.count ? anchors[a].seq : nil)
    }
}
