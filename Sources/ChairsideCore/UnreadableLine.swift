import Foundation

/// A line of a session's journal that could not be read (it fails its own check, or this version
/// cannot read it). The store keeps its bytes and replays every other line; the console shows the
/// gap in the timeline, the session detail and the day review.
public struct UnreadableLine: Codable, Equatable, Sendable {
    /// The event number(s) it stands for; `lastSeq < firstSeq` for an extra line between two events.
    public var firstSeq: Int
    public var lastSeq: Int
    /// 1-based line number in the journal.
    public var line: Int
    /// Where the original bytes are kept, store-relative (the journal itself: damage stays in place).
    public var keptIn: String
    /// The journal's last line, damaged: it may stand for more events than one.
    public var openEnded: Bool

    public init(firstSeq: Int, lastSeq: Int, line: Int, keptIn: String, openEnded: Bool = false) {
        self.firstSeq = firstSeq
        self.lastSeq = lastSeq
        self.line = line
        self.keptIn = keptIn
        self.openEnded = openEnded
    }

    /// "#6", "#6–#7", "#6 and any after it", or "an extra line after #5".
    public var seqText: String {
        if lastSeq < firstSeq { return "an extra line after #\(firstSeq - 1)" }
        if openEnded { return "#\(firstSeq) and any after it" }
        return firstSeq == lastSeq ? "#\(firstSeq)" : "#\(firstSeq)–#\(lastSeq)"
    }

    /// One line for a timeline or a report: "event #6 unreadable — original kept in place (line 6 of days/…)".
    public var text: String {
        let what = lastSeq < firstSeq ? seqText : "event \(seqText)"
        return "\(what) unreadable — original kept in place (line \(line) of \(keptIn))"
    }
}
