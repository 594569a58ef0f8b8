import Foundation

/// A session as the day list shows it; derived from the journal, kept in the day index.
public struct SessionSummary: Codable, Equatable, Sendable {
    public var id: String
    public var patientID: String
    public var patientName: String
    public var technician: String
    public var room: String
    public var plannedZones: [String]
    public var startedAt: Date
    public var endedAt: Date?
    public var status: SessionStatus
    public var paused: Bool
    public var step: String
    public var passes: Int
    public var prpAppliedML: Double
    public var warnings: Int
    public var adverseEvents: Int
    public var overridden: Bool
    /// Depth range and pass count per treated zone, in the order first treated; voided passes excluded.
    public var zoneDepths: [ZoneDepths]
    /// The last date the patient gave for time-bound screening items (neurotoxin, filler, isotretinoin …).
    public var screeningDates: [String: ClinicDay]
    /// Screening items answered yes without a date (nobody knew when): history says "yes (no date)", not "—".
    public var screeningUndated: [String]
    public var amendments: Int
    public var aftercare: String?
    public var abortReason: String?
    public var lastSeq: Int
    /// Journal length this summary was derived from; a mismatch means it is stale.
    public var journalBytes: Int
    /// Lines of the journal that could not be read (kept in place): the day review flags the session.
    public var unreadableLines: Int
    /// SHA-256 of the journal's line that ends at `journalBytes` (the hash chain's head there); the
    /// day's anchor is the Merkle root over the day's heads. Nil in indexes written before issue 14.
    public var head: String?
    /// For a late entry (charted after the fact): when its start was written. Nil for sessions charted live.
    public var chartedAt: Date?
    /// Every lot the session recorded, by register key (issue 17); what a recall matches.
    public var lots: [String] = []
    /// The journal's end is unknown (issue 14): the last event read is #this, anything after it may
    /// have been recorded. Nil (absent from old indexes) when the journal reads to its end.
    public var endUnreadableAfter: Int?
    /// The closed status the day index had recorded for the lines now unreadable, if any.
    public var endStatusPerIndex: SessionStatus?
    /// Events before which the hash chain breaks (a line before each was edited, deleted or reordered).
    public var chainBreaks: [Int] = []

    /// Journal length the store knows was acknowledged (synced by an append), as opposed to
    /// `journalBytes`, which may include a damaged last line a read found. Nil in older indexes.
    public var acknowledgedBytes: Int?
    /// With an unreadable end: the time of the last event read (chair time runs to it, not to now).
    public var lastReadAt: Date?
    /// Seconds between the last event read before an unreadable end and the confirmation that went
    /// on after it (`SessionState.uncountedStretches`): not chair time, so the time shown is a lower
    /// bound. Nil (absent from indexes) when there is no such stretch.
    public var uncountedSeconds: Int?

    public var endUnreadable: Bool { endUnreadableAfter != nil }
    /// The status in an export: as replayed, or "end-unreadable" (it may have been completed or voided).
    public var exportStatus: String { endUnreadable ? "end-unreadable" : status.rawValue }
    /// In progress (or paused) and its end reads: a session whose end is unreadable is never open.
    public var isOpen: Bool { status == .inProgress && !endUnreadable }

    public init?(state: SessionState, journalBytes: Int) {
        // A session whose start line is unreadable, or gone (deleted: the chain breaks at the next
        // line), is still listed (the day review flags it): the patient is unknown, the start is its
        // first readable event.
        let unknownStart =
            state.start != nil
            ? nil
            : state.events.first.map {
                StartInfo(
                    patientID: "", patientName: state.unreadable.isEmpty ? "(start missing)" : "(start unreadable)",
                    technician: $0.by, room: "", plannedZones: [], at: $0.at)
            }
        guard let start = state.start ?? unknownStart else { return nil }
        id = state.id
        patientID = start.patientID
        patientName = start.patientName
        technician = start.technician
        room = start.room
        plannedZones = start.plannedZones
        startedAt = start.at
        endedAt = state.endedAt
        status = state.status
        // A session whose end is unreadable is neither paused nor at a step: its end is unknown.
        paused = state.pausedAt != nil && !state.endUnreadable
        step = state.isClosed || state.endUnreadable ? state.statusLabel : state.currentStep().title
        passes = state.passTotal
        prpAppliedML = state.totalPRPAppliedML
        warnings = state.warnings.count
        adverseEvents = state.adverseEvents.count
        overridden = state.overrideBy != nil
        zoneDepths = ZoneDepths.of(state.passes.map(\.pass)) + ZoneDepths.of(paper: state.paperZones)
        screeningDates = Dictionary(
            (state.answers ?? []).compactMap { a in a.lastDate.map { (a.item, $0) } }, uniquingKeysWith: { a, _ in a })
        screeningUndated = (state.answers ?? []).filter { $0.present && $0.lastDate == nil }.map(\.item)
        amendments = state.events.filter { if case .amended = $0.kind { true } else { false } }.count
        aftercare = state.aftercare.map(\.kindLabel)
        abortReason = state.abortReason
        lastSeq = state.lastSeq
        self.journalBytes = journalBytes
        unreadableLines = state.unreadable.count
        chartedAt = state.isLateEntry ? state.events.first?.recordedAt : nil
        lots = state.usedLots
        endUnreadableAfter = state.endUnreadable ? state.endUnreadableAfterSeq : nil
        lastReadAt = state.endUnreadable ? state.events.map(\.at).max() : nil
        endStatusPerIndex = state.endUnreadable ? state.endStatusPerIndex : nil
        chainBreaks = state.chainBreaks
        uncountedSeconds = state.uncountedStretches.isEmpty ? nil : state.uncountedSeconds
    }

    public var statusLabel: String {
        if endUnreadable { return endStatusPerIndex.map { "\($0.rawValue) per the day index" } ?? "end unreadable" }
        return switch status {
        case .inProgress: paused ? "paused" : "in progress"
        default: status.rawValue
        }
    }

    /// The status in a narrow column: "unknown", or "completed?" when the day index had recorded it.
    public var shortStatusLabel: String {
        guard endUnreadable else { return isOpen ? (paused ? "paused" : "in progress") : statusLabel }
        return endStatusPerIndex.map { "\($0.rawValue)?" } ?? "unknown"
    }

    public var ref: SessionRef {
        SessionRef(sessionID: id, startedAt: startedAt, status: status, endUnreadable: endUnreadable ? true : nil)
    }

    /// Chair time: start to end, or to `now` while the session is open, less any unreadable stretch.
    public func durationSeconds(now: Date) -> Int {
        max(0, Int((endedAt ?? lastReadAt ?? now).timeIntervalSince(startedAt)) - (uncountedSeconds ?? 0))
    }

    /// Chair time is at least what is shown: an unreadable stretch is not counted.
    public var chairTimeIsLowerBound: Bool { uncountedSeconds != nil }

    /// Chair time as a table shows it: "0:42", or "≥0:42" when an unreadable stretch is not counted.
    public func chairTimeText(now: Date) -> String {
        (chairTimeIsLowerBound ? "≥" : "") + Clock.hmm(durationSeconds(now: now))
    }

    public var deepest: Double? { zoneDepths.filter(\.depthKnown).map(\.max).max() }

    private enum CodingKeys: String, CodingKey {
        case id, patientID, patientName, technician, room, plannedZones, startedAt, endedAt, status, paused, step,
            passes
        case prpAppliedML, warnings, adverseEvents, overridden, zoneDepths, screeningDates, amendments, aftercare,
            abortReason
        case screeningUndated
        case lastSeq, journalBytes, unreadableLines, head
        case chartedAt
        case lots
        case endUnreadableAfter, endStatusPerIndex, chainBreaks, lastReadAt, acknowledgedBytes
        case uncountedSeconds
    }

    /// Day indexes written before a field existed still read: the missing ones start empty, and the
    /// summary is rebuilt from the journal the next time that journal grows.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        patientID = try c.decode(String.self, forKey: .patientID)
        patientName = try c.decode(String.self, forKey: .patientName)
        technician = try c.decode(String.self, forKey: .technician)
        room = try c.decode(String.self, forKey: .room)
        plannedZones = try c.decode([String].self, forKey: .plannedZones)
        startedAt = try c.decode(Date.self, forKey: .startedAt)
        endedAt = try c.decodeIfPresent(Date.self, forKey: .endedAt)
        status = try c.decode(SessionStatus.self, forKey: .status)
        paused = try c.decode(Bool.self, forKey: .paused)
        step = try c.decode(String.self, forKey: .step)
        passes = try c.decode(Int.self, forKey: .passes)
        prpAppliedML = try c.decode(Double.self, forKey: .prpAppliedML)
        warnings = try c.decode(Int.self, forKey: .warnings)
        adverseEvents = try c.decode(Int.self, forKey: .adverseEvents)
        overridden = try c.decode(Bool.self, forKey: .overridden)
        zoneDepths = try c.decodeIfPresent([ZoneDepths].self, forKey: .zoneDepths) ?? []
        screeningDates = try c.decodeIfPresent([String: ClinicDay].self, forKey: .screeningDates) ?? [:]
        screeningUndated = try c.decodeIfPresent([String].self, forKey: .screeningUndated) ?? []
        amendments = try c.decodeIfPresent(Int.self, forKey: .amendments) ?? 0
        aftercare = try c.decodeIfPresent(String.self, forKey: .aftercare)
        abortReason = try c.decodeIfPresent(String.self, forKey: .abortReason)
        lastSeq = try c.decode(Int.self, forKey: .lastSeq)
        journalBytes = try c.decode(Int.self, forKey: .journalBytes)
        unreadableLines = try c.decodeIfPresent(Int.self, forKey: .unreadableLines) ?? 0
        head = try c.decodeIfPresent(String.self, forKey: .head)
        chartedAt = try c.decodeIfPresent(Date.self, forKey: .chartedAt)
        lots = try c.decodeIfPresent([String].self, forKey: .lots) ?? []
        endUnreadableAfter = try c.decodeIfPresent(Int.self, forKey: .endUnreadableAfter)
        endStatusPerIndex = try c.decodeIfPresent(SessionStatus.self, forKey: .endStatusPerIndex)
        chainBreaks = try c.decodeIfPresent([Int].self, forKey: .chainBreaks) ?? []
        lastReadAt = try c.decodeIfPresent(Date.self, forKey: .lastReadAt)
        acknowledgedBytes = try c.decodeIfPresent(Int.self, forKey: .acknowledgedBytes)
        uncountedSeconds = try c.decodeIfPresent(Int.self, forKey: .uncountedSeconds)
    }
}

/// One treated zone of a session: the depths used there and how many passes.
public struct ZoneDepths: Codable, Equatable, Sendable {
    public var zone: String
    public var min: Double
    public var max: Double
    public var passes: Int
    /// A zone a paper record lists without a depth: treated, depth not known (`min`/`max` are 0 and
    /// mean nothing). Nil, and absent from indexes, for every zone with a depth.
    public var depthUnknown: Bool?

    public init(zone: String, min: Double, max: Double, passes: Int, depthUnknown: Bool? = nil) {
        self.zone = zone
        self.min = min
        self.max = max
        self.passes = passes
        self.depthUnknown = depthUnknown
    }

    /// The depth was recorded (every zone charted live; a paper zone with a depth).
    public var depthKnown: Bool { depthUnknown != true }

    public static func of(_ passes: [Pass]) -> [ZoneDepths] {
        var list: [ZoneDepths] = []
        for p in passes {
            if let i = list.firstIndex(where: { $0.zone == p.zone }) {
                list[i].min = Swift.min(list[i].min, p.depth)
                list[i].max = Swift.max(list[i].max, p.depth)
                list[i].passes += p.count
            } else {
                list.append(ZoneDepths(zone: p.zone, min: p.depth, max: p.depth, passes: p.count))
            }
        }
        return list
    }

    /// A paper record's zones; it tells no pass count. A zone listed without a depth was treated
    /// all the same: it is kept, its depth unknown.
    public static func of(paper zones: [PaperZone]) -> [ZoneDepths] {
        zones.map { z in
            ZoneDepths(
                zone: z.zone, min: z.depth ?? 0, max: z.depth ?? 0, passes: 0, depthUnknown: z.depth == nil ? true : nil
            )
        }
    }

    /// "0.50" or "1.00–1.50"; "treated" for a paper zone whose depth was not written down.
    public var range: String { depthKnown ? Self.rangeText(min: min, max: max) : "treated" }

    public static func rangeText(min: Double, max: Double) -> String {
        min == max ? String(format: "%.2f", min) : String(format: "%.2f–%.2f", min, max)
    }
}
