import Foundation

/// A day whose journals no longer matched its recorded anchor, as a standing finding keeps it
/// (issue 14): the root the day index recorded before the damage, the session(s) whose journal no
/// longer ended in the recorded head, and whether someone has accepted it. A repair rebuilds the day
/// index, after which `chairside anchor` alone would print the new root as if nothing had happened;
/// this is what lets it (and the day review) say otherwise.
public struct AnchorMismatch: Equatable, Sendable {
    public var day: ClinicDay
    /// The sessions found not to match, each with the head the day index had recorded (nil when
    /// the finding was recorded before heads were kept with it).
    public var sessions: [Session]
    /// The Merkle root over the heads the day index recorded before it was rebuilt; nil when it can
    /// no longer be worked out (no recorded root, and the index copy is gone).
    public var recordedRoot: String?
    /// The root over the day's journals as they are now.
    public var rootNow: String
    /// When the damage was found (UTC, ISO 8601): the recorded root is from before then.
    public var detectedAt: String
    public var acceptedAt: String?
    /// Where the copy of the index as it was is kept (store-relative), if anywhere.
    public var evidence: String?

    public struct Session: Equatable, Sendable {
        public var id: String
        public var recordedHead: String?

        public init(id: String, recordedHead: String?) {
            self.id = id
            self.recordedHead = recordedHead
        }
    }

    public init(
        day: ClinicDay, sessions: [Session], recordedRoot: String?, rootNow: String, detectedAt: String,
        acceptedAt: String?, evidence: String?
    ) {
        self.day = day
        self.sessions = sessions
        self.recordedRoot = recordedRoot
        self.rootNow = rootNow
        self.detectedAt = detectedAt
        self.acceptedAt = acceptedAt
        self.evidence = evidence
    }

    /// The two roots differ (or the recorded one is not known any more): the day changed.
    public var differs: Bool { recordedRoot != rootNow }
    public var accepted: Bool { acceptedAt != nil }

    /// One line for a screen: what differs, since when, and what to do.
    public var headline: String {
        let what =
            differs
            ? "the day's journals no longer match the anchor recorded before \(detectedAt)"
            : "the day's journals match the anchor recorded before \(detectedAt) again"
        return what + (acceptedAt.map { " (accepted at \($0))" } ?? "; run `chairside check`")
    }

    /// The lines `chairside anchor` prints: the headline, both roots and each session's recorded head.
    public var lines: [String] {
        var out = ["!! " + headline]
        out.append("   anchor recorded before the damage: " + (recordedRoot ?? "not known (its record was lost)"))
        out.append("   anchor now:                        " + rootNow)
        for s in sessions {
            out.append("   session \(s.id): its journal no longer ends in the recorded head \(s.recordedHead ?? "?")")
        }
        if let evidence { out.append("   the day index as it was is kept in \(evidence)") }
        return out
    }
}
