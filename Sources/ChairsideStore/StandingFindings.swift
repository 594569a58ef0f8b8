import ChairsideCore
import Foundation

/// `standing-findings.json` at the store's root: damage whose evidence a repair would otherwise
/// erase, kept until a person acknowledges it.
///
/// A day whose journals no longer match its recorded anchor, or a journal shorter than the store
/// recorded (lines deleted or cut from its end), is found by comparing with a derived file (the day
/// index, the verification cache, the patient directory). Repairing rebuilds that file, so the next
/// `check` would find nothing. So the finding is written here first (with the copy of the old index
/// kept in quarantine as evidence) and every `check` reports it again, exiting 1, until
/// `chairside check --accept DATE` (or `--accept patients`) records that someone looked at it: the
/// entry stays, with the time it was accepted, as a recorded fact.
struct StandingFinding: Codable, Equatable, Sendable {
    enum Kind: String, Codable, Sendable { case anchorMismatch, linesMissing, movedAside }

    var kind: Kind
    /// Store-relative: the journal concerned.
    var path: String
    var day: String?
    var session: String?
    var afterSeq: Int?
    var bytes: Int?
    var recordedBytes: Int?
    /// For `movedAside`: what was found where the journal belongs (a FIFO, a folder, a link…).
    var fileKind: String?
    var detectedAt: String
    /// Where the evidence was kept (a copy of the index as it was), if anywhere.
    var evidence: String?
    var acceptedAt: String?
    /// For `anchorMismatch`: the day's Merkle root over the heads the day index recorded before it
    /// was rebuilt, and this session's head there. Absent in findings recorded before they were kept.
    var recordedRoot: String?
    var recordedHead: String?

    var finding: RecoveryReport.Finding {
        switch kind {
        case .anchorMismatch: .anchorMismatch(day: day ?? "", session: session ?? "")
        case .linesMissing:
            .linesMissing(path: path, afterSeq: afterSeq ?? 0, bytes: bytes ?? 0, recordedBytes: recordedBytes ?? 0)
        case .movedAside: .notAFile(path: path, kind: fileKind ?? "", movedTo: evidence)
        }
    }

    /// What `--accept` names: the day (`2026-11-21`) or `patients`.
    var scope: String {
        if path.hasPrefix("patients/") { return "patients" }
        if path.hasPrefix("lots/") { return "lots" }
        return day ?? String(path.dropFirst(5).prefix(10))
    }

    init?(_ finding: RecoveryReport.Finding, detectedAt: String, evidence: String?) {
        switch finding {
        case .anchorMismatch(let d, let s):
            self.init(kind: .anchorMismatch, path: "days/\(d)/\(s).jsonl", day: d, session: s, detectedAt: detectedAt)
        case .linesMissing(let p, let after, let n, let r):
            self.init(
                kind: .linesMissing, path: p, afterSeq: after, bytes: n, recordedBytes: r, detectedAt: detectedAt)
        case .notAFile(let p, let k, let moved?):
            // A journal moved aside takes its session (or patients) out of the rebuilt indexes: the
            // next check would see a consistent store, so it stands until someone accepts it.
            self.init(kind: .movedAside, path: p, detectedAt: detectedAt)
            self.fileKind = k
            self.evidence = moved
            return
        default: return nil
        }
        self.evidence = evidence
    }

    private init(
        kind: Kind, path: String, day: String? = nil, session: String? = nil, afterSeq: Int? = nil, bytes: Int? = nil,
        recordedBytes: Int? = nil, detectedAt: String
    ) {
        self.kind = kind
        self.path = path
        self.day = day
        self.session = session
        self.afterSeq = afterSeq
        self.bytes = bytes
        self.recordedBytes = recordedBytes
        self.detectedAt = detectedAt
    }
}

extension Store {
    static let standingFileName = "standing-findings.json"
    var standingPath: String { root + "/" + Self.standingFileName }

    /// Every standing finding, accepted or not; empty when there is none (or the file is unreadable:
    /// then `check` says so, since evidence may be lost).
    func standingFindings() -> [StandingFinding] {
        guard files.kind(standingPath) == "file",
            let data = try? files.read(standingPath, limit: Self.maxDayIndexBytes)
        else { return [] }
        return (try? decoder.decode([StandingFinding].self, from: data)) ?? []
    }

    /// Records a finding whose evidence a repair is about to erase (only while repairing; a reader
    /// reports it and changes nothing). An open entry for the same thing is not repeated.
    /// `recordedIndex`: the day index as it was, for an anchor mismatch (its root and the session's
    /// head are kept with the finding: the index is rebuilt next).
    func recordStanding(_ finding: RecoveryReport.Finding, evidence: String? = nil, recordedIndex: Data? = nil) {
        guard repairing, access != .read,
            var entry = StandingFinding(finding, detectedAt: Timestamp.format(Date()), evidence: evidence)
        else { return }
        if let recordedIndex, let day = entry.day.flatMap(ClinicDay.init(string:)),
            let recorded = recordedAnchor(day, indexData: recordedIndex)
        {
            entry.recordedRoot = recorded.root
            entry.recordedHead = recorded.heads.first { $0.id == entry.session }?.head
        }
        var all = standingFindings()
        guard !all.contains(where: { $0.acceptedAt == nil && $0.finding == finding }) else { return }
        all.append(entry)
        writeStanding(all)
    }

    /// The findings no one has accepted yet: reported by every `check`.
    /// Whether the loss of a whole journal is on record already (moved aside, or gone), open or accepted:
    /// a journal whose derived files still remember it must not be reported again once accepted.
    func wholeJournalLossRecorded(_ path: String) -> Bool {
        standingFindings().contains { entry in
            guard entry.path == path else { return false }
            return entry.kind == .movedAside || (entry.kind == .linesMissing && entry.bytes == 0)
        }
    }

    /// How many standing findings no one has accepted yet.
    public var openStandingCount: Int { standingFindings().filter { $0.acceptedAt == nil }.count }

    /// Lines missing whose cut bytes a repair kept also say where the copy is.
    func openStandingFindings() -> [RecoveryReport.Finding] {
        standingFindings().filter { $0.acceptedAt == nil }.flatMap { entry -> [RecoveryReport.Finding] in
            guard entry.kind == .linesMissing, let copy = entry.evidence else { return [entry.finding] }
            return [entry.finding, .keptCopy(path: entry.path, keptAs: copy)]
        }
    }

    /// Records that someone looked at the standing findings of `scope` (a day `YYYY-MM-DD`, or
    /// `patients`): each is kept, marked accepted now. Returns how many were accepted.
    public func acceptStandingFindings(_ scope: String) throws(StoreError) -> Int {
        try requireWritable()
        var all = standingFindings()
        let now = Timestamp.format(Date())
        var count = 0
        for i in all.indices where all[i].acceptedAt == nil && all[i].scope == scope {
            all[i].acceptedAt = now
            count += 1
        }
        if count > 0 { try files.replace(standingPath, with: try encodeStanding(all)) }
        return count
    }

    private func writeStanding(_ all: [StandingFinding]) {
        do {
            try files.replace(standingPath, with: try encodeStanding(all))
        } catch {
            indexWarning = "The record of standing damage could not be saved (\(error)); run `chairside check`."
        }
    }

    private func encodeStanding(_ all: [StandingFinding]) throws(StoreError) -> Data {
        do {
            return try encoder.encode(all)
        } catch {
            throw .corrupt(path: Self.standingFileName, reason: "could not be encoded")
        }
    }
}

extension Store {
    /// The anchor a day index recorded: the root over the heads its entries hold.
    func recordedAnchor(_ day: ClinicDay, indexData: Data) -> DayAnchor? {
        guard let entries = try? decoder.decode([SessionSummary].self, from: indexData) else { return nil }
        return DayAnchor(day: day, heads: entries.compactMap { e in e.head.map { (e.id, $0) } })
    }

    /// Every anchor mismatch recorded for `day` (accepted or not), grouped by when it was found, with
    /// the root recorded before the damage and the root now. Empty for a day that never mismatched.
    /// A finding from before the recorded root was kept gets it from its copy of the index, if that
    /// copy is still in quarantine.
    public func anchorMismatches(on day: ClinicDay) throws(StoreError) -> [AnchorMismatch] {
        let standing = standingFindings().filter { $0.kind == .anchorMismatch && $0.day == day.description }
        guard !standing.isEmpty else { return [] }
        let now = try anchor(on: day).root
        var out: [AnchorMismatch] = []
        for entry in standing {
            var recordedRoot = entry.recordedRoot
            var head = entry.recordedHead
            if recordedRoot == nil, let evidence = entry.evidence, files.kind(storePath(evidence)) == "file",
                let data = try? files.read(storePath(evidence), limit: Self.maxDayIndexBytes),
                let recorded = recordedAnchor(day, indexData: data)
            {
                recordedRoot = recorded.root
                head = recorded.heads.first { $0.id == entry.session }?.head
            }
            let session = AnchorMismatch.Session(id: entry.session ?? "", recordedHead: head)
            if let i = out.firstIndex(where: {
                $0.detectedAt == entry.detectedAt && $0.recordedRoot == recordedRoot
                    && $0.acceptedAt == entry.acceptedAt
            }) {
                out[i].sessions.append(session)
            } else {
                out.append(
                    AnchorMismatch(
                        day: day, sessions: [session], recordedRoot: recordedRoot, rootNow: now,
                        detectedAt: entry.detectedAt,
                        acceptedAt: entry.acceptedAt, evidence: entry.evidence))
            }
        }
        return out
    }

    private func storePath(_ relative: String) -> String { root + "/" + relative }
}
