import Foundation

/// What opening or checking the store found and did. Paths are store-relative; no patient data.
public struct RecoveryReport: Sendable, Equatable {
    public enum Finding: Sendable, Equatable {
        case tornTailCut(path: String, bytes: Int)
        case damagedJournalCut(path: String, keptLines: Int, quarantinedAs: String)
        case quarantined(path: String, as: String, reason: String)
        case indexRebuilt(path: String)
        case emptyJournal(path: String)
        case leftoverTempFile(path: String)

        public var text: String {
            switch self {
            case let .tornTailCut(p, n): "\(p): an unfinished last line (\(n) bytes, never acknowledged) was cut off"
            case let .damagedJournalCut(p, k, q): "\(p): damaged after line \(k); kept lines 1–\(k), the original is in \(q)"
            case let .quarantined(p, q, r): "\(p): \(r); moved to \(q)"
            case .indexRebuilt(let p): "\(p): out of date; rebuilt from the journals"
            case .emptyJournal(let p): "\(p): empty journal (a crash before the first event); ignored"
            case .leftoverTempFile(let p): "\(p): leftover temporary file from a crash; never read, removed"
            }
        }

        /// Damage means data needed attention beyond routine crash clean-up.
        public var isDamage: Bool {
            switch self {
            case .damagedJournalCut, .quarantined: true
            default: false
            }
        }
    }

    public var findings: [Finding] = []

    public var hasDamage: Bool { findings.contains { $0.isDamage } }

    public mutating func add(_ f: Finding) { findings.append(f) }
}
