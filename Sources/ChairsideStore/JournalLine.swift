import Foundation

/// One journal line: `{"seq":12,"crc":"1a2b3c4d","event":{...}}` and a newline.
/// The CRC-32 covers the sequence number and the exact event bytes, so a torn,
/// garbled or edited line is detected; each line is still plain JSON for any tool.
///
/// A decision of several events (a pass and the warning it raised) is one batch: every line but
/// its last carries `"more":true` (`{"seq":12,"crc":"…","more":true,"event":{…}}`), so recovery
/// keeps a batch whole or not at all, even when a power cut tore it between two lines.
public enum JournalLine {
    /// A line longer than this is treated as damage, not decoded.
    public static let maxLength = 1_048_576

    static let prefix = Array(#"{"seq":"#.utf8)
    static let crcKey = Array(#","crc":""#.utf8)
    static let eventKey = Array(#"","event":"#.utf8)
    static let moreEventKey = Array(#"","more":true,"event":"#.utf8)

    public static func encode(seq: Int, payload: Data, more: Bool = false) -> Data {
        var line = Data()
        line.append(contentsOf: prefix)
        line.append(contentsOf: Array(String(seq).utf8))
        line.append(contentsOf: crcKey)
        line.append(contentsOf: Array(hex(checksum(seq: seq, more: more, payload: payload)).utf8))
        line.append(contentsOf: more ? moreEventKey : eventKey)
        line.append(payload)
        line.append(contentsOf: Array("}\n".utf8))
        return line
    }

    /// Reads one line (without its newline). Nil when it is not a whole, intact line.
    public static func decode(_ line: ArraySlice<UInt8>) -> (seq: Int, payload: Data, more: Bool)? {
        guard line.count <= maxLength, line.starts(with: prefix), line.last == UInt8(ascii: "}") else { return nil }
        var i = line.startIndex + prefix.count
        var seq = 0
        let digitsStart = i
        while i < line.endIndex, (48...57).contains(line[i]) {
            seq = seq &* 10 &+ Int(line[i] - 48)
            i += 1
            if i - digitsStart > 12 { return nil }
        }
        guard i > digitsStart, line[i...].starts(with: crcKey) else { return nil }
        i += crcKey.count
        guard i + 8 <= line.endIndex, let crc = UInt32(String(decoding: line[i..<i + 8], as: UTF8.self), radix: 16) else { return nil }
        i += 8
        let more = line[i...].starts(with: moreEventKey)
        guard more || line[i...].starts(with: eventKey) else { return nil }
        i += more ? moreEventKey.count : eventKey.count
        let payload = Data(line[i..<(line.endIndex - 1)])
        guard checksum(seq: seq, more: more, payload: payload) == crc else { return nil }
        return (seq, payload, more)
    }

    static func checksum(seq: Int, more: Bool = false, payload: Data) -> UInt32 {
        var crc = CRC32()
        crc.update(Array((more ? "\(seq)+:" : "\(seq):").utf8))
        crc.update(payload)
        return crc.value
    }

    static func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 8 - s.count) + s
    }
}

/// CRC-32 (IEEE 802.3, as zlib): enough to catch torn and garbled lines; not a signature.
struct CRC32 {
    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    private var crc: UInt32 = 0xFFFF_FFFF

    mutating func update<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        for b in bytes { crc = Self.table[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
    }

    var value: UInt32 { crc ^ 0xFFFF_FFFF }
}

/// The result of reading a journal: the intact lines, and where damage began if any.
public struct JournalScan {
    /// Intact lines in order; `end` is the byte offset just past each line's newline.
    public var entries: [(seq: Int, payload: Data, end: Int, more: Bool)] = []
    /// Byte length of the intact prefix.
    public var goodLength = 0
    public var totalLength = 0
    /// True when the bytes after `goodLength` are only an unfinished last line (a crash mid-write).
    public var tornTail = false

    public var damaged: Bool { goodLength < totalLength && !tornTail }
    public var clean: Bool { goodLength == totalLength }

    /// Splits into lines, checks each, and stops at the first line that fails or breaks the sequence.
    /// Only whole batches count: lines of a batch whose last line is missing are left out.
    public init(_ data: Data, firstSeq: Int = 1) {
        totalLength = data.count
        let bytes = [UInt8](data)
        var start = 0
        var expected = firstSeq
        var batch: [(seq: Int, payload: Data, end: Int, more: Bool)] = []
        defer {
            // A batch still open at the end was never acknowledged: a crash tore it.
            if !batch.isEmpty && goodLength < totalLength && !damagedMidway { tornTail = true }
        }
        while start < bytes.count {
            guard let nl = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                tornTail = true
                return
            }
            guard let entry = JournalLine.decode(bytes[start..<nl]), entry.seq == expected else {
                // A bad line that is the last one is what a crash mid-write leaves behind.
                tornTail = nl + 1 == bytes.count
                damagedMidway = !tornTail
                return
            }
            batch.append((entry.seq, entry.payload, nl + 1, entry.more))
            expected += 1
            start = nl + 1
            if !entry.more {
                entries += batch
                batch = []
                goodLength = start
            }
        }
    }

    private var damagedMidway = false

    /// Keeps the whole batches before entry `index` and marks the rest as damage.
    mutating func keep(before index: Int) {
        var i = index
        while i > 0 && entries[i - 1].more { i -= 1 }
        entries.removeSubrange(i...)
        goodLength = entries.last?.end ?? 0
        tornTail = false
        damagedMidway = true
    }
}
