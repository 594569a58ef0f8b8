import Foundation

/// Damage in the patient journal or the lot journal, as the screens and commands that list patients
/// or lots say it (issue 14): which lines are unreadable (file, line, sequence numbers), whether lines
/// are missing from the end, where the hash chain breaks, and which patients or lots a damaged line's
/// bytes still name. No patient data: IDs and lot keys are only compared, never printed.
public struct RecordDamage: Equatable, Sendable {
    public enum Journal: String, Sendable {
        case patients, lots

        /// Store-relative, as `check` names it.
        public var path: String { self == .patients ? "patients/journal.jsonl" : "lots/journal.jsonl" }
        var noun: String { self == .patients ? "patient record" : "lot record" }
        /// What may be wrong on the list because of it.
        var consequence: String {
            self == .patients
                ? "a patient or a change may be missing" : "a lot or a change of its status may be missing"
        }
    }

    public struct UnreadableLine: Equatable, Sendable, Codable {
        /// 1-based line in the journal.
        public var line: Int
        /// The sequence number(s) it stands for: `#12`, `#12–#13`, `#40 and any after it`.
        public var seqs: String

        public init(line: Int, seqs: String) {
            self.line = line
            self.seqs = seqs
        }
    }

    public var journal: Journal
    public var unreadable: [UnreadableLine]
    /// Records after this number are missing: lines deleted or cut from the journal's end.
    public var missingAfterSeq: Int?
    /// Lines were deleted from inside the journal (its end is intact; the chain breaks after the gap).
    public var linesDeletedInside = false
    /// Records before which the hash chain breaks (an edit, a deleted line or a reordering before each).
    public var chainBreaks: [Int]
    /// The journal itself was not a file (a FIFO, a folder…): nothing in it was read.
    public var notAFile: String?
    /// Patient IDs (patients) or lot keys (lots) whose ID appears in a damaged line's bytes: the
    /// list flags them, since their record (or a lot's status) may be wrong.
    public var flagged: Set<String>

    public init(
        journal: Journal, unreadable: [UnreadableLine] = [], missingAfterSeq: Int? = nil, chainBreaks: [Int] = [],
        notAFile: String? = nil, flagged: Set<String> = []
    ) {
        self.journal = journal
        self.unreadable = unreadable
        self.missingAfterSeq = missingAfterSeq
        self.chainBreaks = chainBreaks
        self.notAFile = notAFile
        self.flagged = flagged
    }

    public var isEmpty: Bool {
        unreadable.isEmpty && missingAfterSeq == nil && !linesDeletedInside && chainBreaks.isEmpty && notAFile == nil
    }

    /// One line per finding, for stderr: file, line and sequence numbers only.
    public var lines: [String] {
        let noun = journal.noun
        var out: [String] = []
        if let kind = notAFile {
            out.append("!! \(journal.path) is a \(kind), not a file: no \(noun) could be read. Run `chairside check`.")
        }
        for u in unreadable {
            out.append(
                "!! \(noun) \(u.seqs) unreadable (line \(u.line) of \(journal.path), original kept in place) — "
                    + "\(journal.consequence). Run `chairside check`.")
        }
        if let after = missingAfterSeq {
            out.append(
                "!! \(noun)s after #\(after) are missing from \(journal.path) (lines deleted or cut from its end) — "
                    + "\(journal.consequence). Run `chairside check`.")
        }
        if linesDeletedInside {
            out.append(
                "!! lines were deleted from inside \(journal.path) — \(journal.consequence). Run `chairside check`.")
        }
        if !chainBreaks.isEmpty {
            let at = chainBreaks.map { "#\($0)" }.joined(separator: ", ")
            out.append(
                "!! the hash chain of \(journal.path) breaks before \(noun) \(at): a line before it was edited, "
                    + "deleted or reordered. Run `chairside check`.")
        }
        return out
    }

    /// One line for a screen, at most `width` columns: everything when it fits, else a summary.
    public func banner(width: Int) -> String? {
        guard !isEmpty else { return nil }
        let all = lines
        if all.count == 1, all[0].count <= width { return all[0] }
        var parts: [String] = []
        if let kind = notAFile { parts.append("the journal is a \(kind)") }
        if !unreadable.isEmpty {
            let which = unreadable.map { String($0.line) }.joined(separator: ", ")
            parts.append("line\(unreadable.count == 1 ? "" : "s") \(which) unreadable (kept in place)")
        }
        if let after = missingAfterSeq { parts.append("records after #\(after) missing") }
        if linesDeletedInside { parts.append("lines deleted") }
        if !chainBreaks.isEmpty { parts.append("hash chain broken") }
        let long =
            "!! \(journal.noun)s: " + parts.joined(separator: "; ") + " — \(journal.consequence). "
            + "Run `chairside check`."
        if long.count <= width { return long }
        return "!! \(journal.noun)s damaged: " + parts.joined(separator: "; ") + ". Run `chairside check`."
    }

    /// The IDs among `known` that appear as a whole word (letters, digits, `-`, `_`) in `bytes`: a
    /// damaged line still naming a patient. Cheap: damage is rare and a line is short.
    public static func idsNamed(in bytes: Data, among known: (String) -> Bool) -> Set<String> {
        var found = Set<String>()
        var word: [UInt8] = []
        func flush() {
            if !word.isEmpty, word.count <= 64, let id = String(bytes: word, encoding: .utf8), known(id) {
                found.insert(id)
            }
            word.removeAll(keepingCapacity: true)
        }
        for b in bytes {
            let isWord =
                (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D
                || b == 0x5F
            if isWord { word.append(b) } else { flush() }
        }
        flush()
        return found
    }

    /// Whether `bytes` hold the lot `number` as a JSON string, ignoring case (a lot is written as typed).
    public static func namesLot(_ number: String, in bytes: Data) -> Bool {
        guard let quoted = try? JSONCoding.encoder().encode(number) else { return false }
        let needle = Data(quoted.map(lowercased))
        let hay = Data(bytes.map(lowercased))
        return hay.range(of: needle) != nil
    }

    private static func lowercased(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b + 32 : b }
}
