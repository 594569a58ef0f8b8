import Foundation

/// What the store acknowledged of a journal: its length, the number of its last line and that line's
/// hash, as of the last append that returned. Kept beside the journal (`X.jsonl` → `X.ack`) and
/// overwritten in place after every append's sync, so recovery knows which lines a technician saw
/// recorded even when the day index (rewritten only on status changes) is behind:
///
/// - a damaged or cut line *inside* the mark was acknowledged: damage, never a torn write, and a
///   session whose last acknowledged line is unreadable has an unknown end;
/// - a journal *shorter* than the mark lost lines: from its end when its last intact line is not the
///   marked one, from inside it when it is (a deleted middle line also breaks the chain);
/// - numbers up to the mark's `seq` are never reused.
///
/// The mark is written after the journal's sync returned and is itself not synced (an append stays
/// one sync): a power cut can only leave it older than the journal, never ahead of it, and an older
/// mark just acknowledges less (the rules fall back to the day index). A mark that does not read
/// (garbled, a hand edit, another kind of file) counts as absent: it is evidence, never data.
///
/// One line of fixed width, so an overwrite never leaves old bytes behind:
/// `chairside-ack 1 bytes=000000012345 seq=000000000042 head=<64 hex> crc=1a2b3c4d` and a newline;
/// the CRC-32 covers everything before ` crc=`.
struct JournalMark: Equatable, Sendable {
    var bytes: Int
    var seq: Int
    var head: String

    static let magic = "chairside-ack 1"
    static let length = encode(bytes: 0, seq: 0, head: JournalLine.genesis).count

    /// `days/D/ID.jsonl` → `days/D/ID.ack`; `patients/journal.jsonl` → `patients/journal.ack`.
    static func path(of journal: String) -> String {
        (journal.hasSuffix(".jsonl") ? String(journal.dropLast(6)) : journal) + ".ack"
    }

    var encoded: Data { Self.encode(bytes: bytes, seq: seq, head: head) }

    private static func encode(bytes: Int, seq: Int, head: String) -> Data {
        let body = "\(magic) bytes=\(padded(bytes)) seq=\(padded(seq)) head=\(head)"
        var crc = CRC32()
        crc.update(Array(body.utf8))
        return Data((body + " crc=" + JournalLine.hex(crc.value) + "\n").utf8)
    }

    private static func padded(_ n: Int) -> String {
        let s = String(max(n, 0))
        return String(repeating: "0", count: max(0, 12 - s.count)) + s
    }

    /// Nil unless `data` is exactly one intact mark.
    init?(_ data: Data) {
        guard data.count == Self.length, let text = String(data: data, encoding: .utf8), text.hasSuffix("\n")
        else { return nil }
        let line = text.dropLast()
        guard let crcAt = line.range(of: " crc=") else { return nil }
        let body = line[..<crcAt.lowerBound]
        var crc = CRC32()
        crc.update(Array(body.utf8))
        guard line[crcAt.upperBound...] == JournalLine.hex(crc.value), body.hasPrefix(Self.magic + " ") else {
            return nil
        }
        var fields: [Substring: Substring] = [:]
        for word in body.dropFirst(Self.magic.count + 1).split(separator: " ") {
            guard let eq = word.firstIndex(of: "=") else { return nil }
            fields[word[..<eq]] = word[word.index(after: eq)...]
        }
        guard let b = fields["bytes"].flatMap({ Int($0) }), let s = fields["seq"].flatMap({ Int($0) }),
            let h = fields["head"], h.count == 64
        else { return nil }
        self.init(bytes: b, seq: s, head: String(h))
    }

    init(bytes: Int, seq: Int, head: String) {
        self.bytes = bytes
        self.seq = seq
        self.head = head
    }
}
