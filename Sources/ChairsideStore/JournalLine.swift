import Crypto
import Foundation

/// One journal line: `{"seq":12,"crc":"1a2b3c4d","prev":"<64 hex>","event":{...}}` and a newline.
///
/// - `crc` (CRC-32) is the line's own check: it covers the sequence number, the batch mark, `prev`
///   and the exact event bytes, so a torn, garbled or rotted line is detected on its own, whatever
///   its neighbours are.
/// - `prev` is the hash chain: the SHA-256 (lowercase hex) of the previous line's exact bytes,
///   **including its terminating newline**; the first line of a journal carries 64 zeros
///   (`JournalLine.genesis`). An edited line whose CRC was recomputed, a deleted line or two lines
///   swapped break the chain at the next line. `JournalChain` verifies it from outside.
/// - Lines written before the chain (Chairside before issue 14) have no `prev`
///   (`{"seq":12,"crc":"…","event":{…}}`, CRC over `seq:` and the event); they still read, and the
///   chain starts at the first line that has one.
///
/// A decision of several events (a pass and the warning it raised) is one batch: every line but
/// its last carries `"more":true` after `prev`, so recovery can tell an unfinished batch at the end
/// of a journal (never acknowledged) from whole ones. Each line is plain JSON for any tool.
public enum JournalLine {
    /// A line longer than this is treated as damage, not decoded.
    public static let maxLength = 1_048_576
    /// `prev` of a journal's first line.
    public static let genesis = String(repeating: "0", count: 64)

    static let prefix = Array(#"{"seq":"#.utf8)
    static let crcKey = Array(#","crc":""#.utf8)
    static let prevKey = Array(#"","prev":""#.utf8)
    static let eventKey = Array(#"","event":"#.utf8)
    static let moreEventKey = Array(#"","more":true,"event":"#.utf8)

    /// A decoded intact line.
    public struct Decoded: Equatable, Sendable {
        public var seq: Int
        public var payload: Data
        public var more: Bool
        /// The hash of the previous line it names; nil for a line from before the chain.
        public var prev: String?
    }

    /// Encodes a line chained to `prev` (the hash of the line before, `genesis` for the first).
    /// With `prev` nil it writes the pre-chain form (kept for tests of old journals).
    public static func encode(seq: Int, payload: Data, more: Bool = false, prev: String?) -> Data {
        var line = Data()
        line.append(contentsOf: prefix)
        line.append(contentsOf: Array(String(seq).utf8))
        line.append(contentsOf: crcKey)
        line.append(contentsOf: Array(hex(checksum(seq: seq, more: more, prev: prev, payload: payload)).utf8))
        if let prev {
            line.append(contentsOf: prevKey)
            line.append(contentsOf: Array(prev.utf8))
        }
        line.append(contentsOf: more ? moreEventKey : eventKey)
        line.append(payload)
        line.append(contentsOf: Array("}\n".utf8))
        return line
    }

    /// Encodes a batch of payloads as chained lines, starting after the line whose hash is `prev`.
    /// Returns the bytes and the hash of the last line (the next batch's `prev`).
    public static func encodeBatch(_ items: [(seq: Int, payload: Data)], prev: String) -> (data: Data, head: String) {
        var data = Data()
        var link = prev
        for (i, item) in items.enumerated() {
            let line = encode(seq: item.seq, payload: item.payload, more: i < items.count - 1, prev: link)
            link = hash(line)
            data.append(line)
        }
        return (data, link)
    }

    /// Reads one line (without its newline). Nil when it is not a whole, intact line.
    public static func decode(_ line: ArraySlice<UInt8>) -> Decoded? {
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
        // Lowercase hex only: the same number spelt otherwise is other bytes, and a line is intact
        // only when its bytes are exactly what was written.
        guard i + 8 <= line.endIndex, line[i..<i + 8].allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }),
            let crc = UInt32(String(decoding: line[i..<i + 8], as: UTF8.self), radix: 16)
        else { return nil }
        i += 8
        var prev: String?
        if line[i...].starts(with: prevKey) {
            i += prevKey.count
            guard i + 64 <= line.endIndex else { return nil }
            let digits = line[i..<i + 64]
            guard digits.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else { return nil }
            prev = String(decoding: digits, as: UTF8.self)
            i += 64
        }
        let more = line[i...].starts(with: moreEventKey)
        guard more || line[i...].starts(with: eventKey) else { return nil }
        i += more ? moreEventKey.count : eventKey.count
        guard i < line.endIndex else { return nil }
        let payload = Data(line[i..<(line.endIndex - 1)])
        guard checksum(seq: seq, more: more, prev: prev, payload: payload) == crc else { return nil }
        return Decoded(seq: seq, payload: payload, more: more, prev: prev)
    }

    /// The SHA-256 of a line's exact bytes (as stored: including its newline), lowercase hex.
    public static func hash<D: DataProtocol>(_ bytes: D) -> String {
        hex(SHA256.hash(data: bytes))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Lowercase hex of a digest (a lookup, not a formatter per byte: this runs for every line read).
    static func hex<S: Sequence>(_ digest: S) -> String where S.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in digest {
            out.append(hexDigits[Int(b >> 4)])
            out.append(hexDigits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func checksum(seq: Int, more: Bool = false, prev: String? = nil, payload: Data) -> UInt32 {
        var crc = CRC32()
        crc.update(Array((more ? "\(seq)+:" : "\(seq):").utf8))
        if let prev { crc.update(Array((prev + ":").utf8)) }
        crc.update(payload)
        return crc.value
    }

    static func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 8 - s.count) + s
    }
}

/// Verifying the hash chain line by line from outside the store (a replica, an auditor).
public enum JournalChain {
    /// Whether `candidate` (one line with its newline) fits between its neighbours: its own check
    /// holds, it names `previous` (or `genesis` when it is the first line), and `next`, if given,
    /// names it. A pre-chain candidate or neighbour has nothing to verify against and does not fit.
    public static func fits(_ candidate: Data, previous: Data?, next: Data?) -> Bool {
        guard let line = decodeWhole(candidate), let prev = line.prev else { return false }
        guard prev == (previous.map { JournalLine.hash($0) } ?? JournalLine.genesis) else { return false }
        if let next {
            guard let after = decodeWhole(next), after.prev == JournalLine.hash(candidate) else { return false }
        }
        return true
    }

    /// A complete line (ending in exactly one newline) decoded, or nil.
    public static func decodeWhole(_ line: Data) -> JournalLine.Decoded? {
        let bytes = [UInt8](line)
        guard bytes.last == UInt8(ascii: "\n"), !bytes.dropLast().contains(UInt8(ascii: "\n")) else { return nil }
        return JournalLine.decode(bytes[0..<(bytes.count - 1)])
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

    /// Every line read is checked: over raw bytes, not `Data`'s iterator (a call per byte).
    mutating func update(_ data: Data) { data.withUnsafeBytes { update(raw: $0) } }

    mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update(raw: $0) } }

    private mutating func update(raw: UnsafeRawBufferPointer) {
        var c = crc
        Self.table.withUnsafeBufferPointer { t in
            for b in raw { c = t[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        }
        crc = c
    }

    var value: UInt32 { crc ^ 0xFFFF_FFFF }
}
