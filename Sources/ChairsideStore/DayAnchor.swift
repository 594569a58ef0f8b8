import ChairsideCore
import Crypto
import Foundation

/// A day's anchor: one digest over every session of the day, so a day can be compared later (or
/// elsewhere) with one value. It is the RFC 6962 Merkle tree hash over the day's sessions sorted by
/// ID, each leaf the UTF-8 bytes of `<session ID>:<head>` where `head` is the SHA-256 (hex) of the
/// session journal's last line (the hash chain's head). Leaf hash `SHA-256(0x00 ‖ leaf)`, node hash
/// `SHA-256(0x01 ‖ left ‖ right)`, split at the largest power of two below the count; an empty day
/// is `SHA-256("")`. The heads are kept in the day index (`head` of each summary).
public struct DayAnchor: Equatable, Sendable {
    public var day: ClinicDay
    /// Lowercase hex.
    public var root: String
    public var sessions: Int
    /// The heads it was made from, sorted by session ID.
    public var heads: [(id: String, head: String)]

    public init(day: ClinicDay, heads: [(id: String, head: String)]) {
        self.day = day
        self.heads = heads.sorted { $0.id < $1.id }
        sessions = heads.count
        root = Self.hex(Self.merkleRoot(self.heads.map { Data("\($0.id):\($0.head)".utf8) }))
    }

    public static func == (a: DayAnchor, b: DayAnchor) -> Bool { a.day == b.day && a.root == b.root }

    /// The first 16 hex digits, for a screen's corner.
    public var short: String { String(root.prefix(16)) }

    /// RFC 6962 §2.1 Merkle tree hash.
    public static func merkleRoot(_ leaves: [Data]) -> Data {
        guard !leaves.isEmpty else { return Data(SHA256.hash(data: Data())) }
        return node(leaves[...])
    }

    private static func node(_ leaves: ArraySlice<Data>) -> Data {
        if leaves.count == 1 { return Data(SHA256.hash(data: Data([0x00]) + leaves.first!)) }
        var k = 1
        while k * 2 < leaves.count { k *= 2 }
        let left = node(leaves.prefix(k))
        let right = node(leaves.dropFirst(k))
        return Data(SHA256.hash(data: Data([0x01]) + left + right))
    }

    static func hex(_ d: Data) -> String { JournalLine.hex(d) }
}
