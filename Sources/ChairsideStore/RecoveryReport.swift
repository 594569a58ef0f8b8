import Foundation

/// What opening or checking the store found and did. Paths are store-relative; no patient data.
public struct RecoveryReport: Sendable, Equatable {
    public enum Finding: Sendable, Hashable {
        /// An unterminated last line (and an unfinished batch before it) that reads as a write cut
        /// short by a crash: never acknowledged, so cut. A copy is kept in `keptAs` all the same.
        case tornTailCut(path: String, bytes: Int, seq: Int, keptAs: String)
        /// An unterminated last line that is not the start of a line (rot, zeroed or foreign bytes):
        /// cut so the journal can go on, and damage: the original is in `keptAs`.
        case damagedTailCut(path: String, bytes: Int, seq: Int, keptAs: String)
        /// A complete line that fails its own check (or cannot be read): kept in place, byte for
        /// byte, and skipped; `seqs` names the sequence number(s) it stands for (`#6`, `#6–#7`).
        case damagedLine(path: String, line: Int, seqs: String)
        /// The hash chain breaks at this intact line: a line before it was edited, deleted or reordered.
        case chainBroken(path: String, seq: Int)
        /// The journal's first lines were written before the hash chain existed (not damage).
        case predatesChain(path: String, lines: Int)
        /// A session's journal no longer ends, at the length the day index recorded, in the line
        /// whose hash the index (and so the day's anchor) holds.
        case anchorMismatch(day: String, session: String)
        /// Something that is not a regular file (a FIFO, socket, device, folder or link) where a
        /// store file is expected; it was not read. `movedTo` when `check` moved it aside.
        case notAFile(path: String, kind: String, movedTo: String?)
        case quarantined(path: String, as: String, reason: String)
        case indexRebuilt(path: String)
        case emptyJournal(path: String)
        case leftoverTempFile(path: String)
        /// A rotted newline at the end of a journal was written back, so the line stays whole in place.
        case lineTerminated(path: String, line: Int)
        /// The last line was whole and intact but had lost its newline (synced content, not a torn
        /// write): kept, and the newline written back.
        case newlineRestored(path: String, line: Int, seq: Int)
        /// The journal ends before what the store recorded of it (the day index, the verification
        /// cache or the patient directory knew a longer journal): acknowledged lines after `afterSeq`
        /// are missing. What remains is kept; `recordedBytes` is the length on record.
        case linesMissing(path: String, afterSeq: Int, bytes: Int, recordedBytes: Int)
        /// The journal is shorter than the store acknowledged, but its acknowledged last line is still
        /// there, intact: lines were deleted from inside it, not from its end. `seqs` names the numbers
        /// no line stands for any more (`#6`, `#6–#8`), or is empty when the numbering shows no gap.
        case linesMissingInside(path: String, seqs: String, bytes: Int, recordedBytes: Int)
        /// An unterminated last line inside what the store had recorded of the journal: acknowledged
        /// bytes cut short (by hand, by a copy), not a torn write. Cut so the journal can go on; a copy is in `keptAs`.
        case acknowledgedTailCut(path: String, bytes: Int, seq: Int, keptAs: String)
        /// Where the bytes a repair cut from a journal's end are kept (with a standing `linesMissing`).
        case keptCopy(path: String, keptAs: String)
        /// A journal over the size cap: the lines in its first `readBytes` are read, the rest is damage.
        case overCap(path: String, bytes: Int, readBytes: Int)
        /// Where a hostile file (not a regular file, or over the size cap) was moved, with its report.
        case quarantineReport(path: String, report: String)
        /// A journal over the size cap, or far longer than its day index recorded, seen from its size
        /// alone when listing the day: not read (its index entry, if any, stands); `check` reads it.
        case notReadWhenListing(path: String, bytes: Int, recordedBytes: Int?)

        /// Nothing of a journal is left (emptied, deleted, moved aside) though `recordedBytes` of it were on record.
        static func nothingLeft(of path: String, recordedBytes: Int) -> Finding {
            .linesMissing(path: path, afterSeq: 0, bytes: 0, recordedBytes: recordedBytes)
        }

        public var text: String {
            switch self {
            case .tornTailCut(let p, let n, let s, let q):
                "\(p): an unfinished last line (\(Self.noun(p)) #\(s), \(n) bytes, never acknowledged) was cut off; a copy is in \(q)"
            case .damagedTailCut(let p, let n, let s, let q):
                "\(p): \(n) bytes at the end (where \(Self.noun(p)) #\(s) would start) are neither journal lines "
                    + "nor a line cut short: unreadable, cut off, original kept in \(q)"
            case .damagedLine(let p, let l, let s):
                "\(p): \(Self.noun(p)) \(s) unreadable — original kept in place (line \(l) of \(p)); the other lines are read"
            case .chainBroken(let p, let s):
                "\(p): the hash chain breaks at \(Self.noun(p)) #\(s): a line before it was edited, deleted or reordered"
            case .predatesChain(let p, let n):
                "\(p): lines 1–\(n) predate the hash chain (written before it existed); not verified"
            case .anchorMismatch(let d, let s):
                "days/\(d): session \(s) no longer matches the day's anchor: its journal changed after it was recorded"
            case .notAFile(let p, let k, let moved):
                "\(p): a \(k) where a store file is expected; not read" + (moved.map { ", moved to \($0)" } ?? "")
            case .quarantined(let p, let q, let r): "\(p): \(r); moved to \(q)"
            case .indexRebuilt(let p): "\(p): out of date; rebuilt from the journals"
            case .emptyJournal(let p): "\(p): empty journal (a crash before the first event); ignored"
            case .leftoverTempFile(let p): "\(p): leftover temporary file from a crash; never read, removed"
            case .lineTerminated(let p, let l):
                "\(p): line \(l) had lost its newline; the newline was written back, the line kept"
            case .newlineRestored(let p, let l, let s):
                "\(p): \(Self.noun(p)) #\(s) (line \(l)) was whole but had lost its final newline; "
                    + "the newline was written back and the line kept"
            case .linesMissing(let p, 0, 0, let r):
                "\(p): nothing of the journal is left (emptied, deleted or moved aside: see any report in "
                    + "quarantine/), though \(r) bytes of it were recorded: every \(Self.noun(p)) in it is missing"
            case .linesMissing(let p, let s, let n, let r):
                "\(p): \(Self.noun(p))s after #\(s) are missing: the journal is \(n) bytes but \(r) were recorded "
                    + "(lines deleted or cut from its end); what remains is kept"
            case .linesMissingInside(let p, let s, let n, let r):
                "\(p): the journal is \(n) bytes but \(r) were recorded, and its last recorded line is intact: "
                    + (s.isEmpty
                        ? "lines were deleted from inside it"
                        : "\(Self.noun(p)) \(s) \(s.contains(",") || s.contains("–") ? "were" : "was") deleted from inside it")
                    + "; what remains is kept"
            case .acknowledgedTailCut(let p, let n, let s, let q):
                "\(p): the last line (\(Self.noun(p)) #\(s), \(n) bytes) was cut short after it had been recorded: "
                    + "unreadable, cut off so the journal can go on, original kept in \(q)"
            case .overCap(let p, let n, let r):
                "\(p): \(n) bytes, over the \(r / 1_048_576) MiB a journal may hold: the lines in its first "
                    + "\(r / 1_048_576) MiB are read, the rest is damage (`check` cuts it, keeping a copy)"
            case .quarantineReport(let p, let r): "\(p): moved aside; what, where, when, why and what to do: \(r)"
            case .keptCopy(let p, let q): "\(p): what was kept as evidence is in \(q)"
            case .notReadWhenListing(let p, let n, let r):
                "\(p): \(n) bytes, "
                    + (n > 16 * 1_048_576
                        ? "over the 16 MiB a journal may hold"
                        : "far more than the \(r ?? 0) bytes the day index recorded")
                    + ": not read when listing the day; run `chairside check` to read it and move the junk aside"
            }
        }

        /// "event" in a session journal, "patient record" in the patient journal, "lot record" in the lot register.
        static func noun(_ path: String) -> String {
            path.hasPrefix("patients/") ? "patient record" : path.hasPrefix("lots/") ? "lot record" : "event"
        }

        /// Damage means data needed attention beyond routine crash clean-up.
        public var isDamage: Bool {
            switch self {
            case .damagedLine, .chainBroken, .anchorMismatch, .notAFile, .quarantined, .lineTerminated, .damagedTailCut,
                .newlineRestored, .linesMissing, .overCap, .acknowledgedTailCut, .notReadWhenListing,
                .linesMissingInside:
                true
            default: false
            }
        }

        /// A finding that stays true until someone acts (the damaged bytes are kept in place), so
        /// every check reports it again; everything else is a repair done once.
        public var isStanding: Bool {
            switch self {
            case .damagedLine, .chainBroken, .predatesChain, .anchorMismatch, .linesMissing, .linesMissingInside: true
            case .notAFile(_, _, let moved): moved == nil
            default: false
            }
        }
    }

    /// In the order found, each once. A set beside the list keeps `add` constant-time: a journal
    /// of junk names thousands of lines, and a linear look-up per finding made reading it quadratic.
    public var findings: [Finding] {
        get { ordered }
        set {
            ordered = newValue
            seen = Set(newValue)
        }
    }
    private var ordered: [Finding] = []
    private var seen: Set<Finding> = []

    public init() {}

    public var hasDamage: Bool { ordered.contains { $0.isDamage } }

    public mutating func add(_ f: Finding) {
        if seen.insert(f).inserted { ordered.append(f) }
    }

    public static func == (a: RecoveryReport, b: RecoveryReport) -> Bool { a.ordered == b.ordered }
}
