import Foundation

/// A patient as the clinic knows them. `id` is Chairside's; `chartNumber` is the clinic's own.
public struct Patient: Codable, Equatable, Sendable, Identifiable {
    public var id: String
    public var name: String
    public var dateOfBirth: ClinicDay?
    public var chartNumber: String
    public var fitzpatrick: Int?
    public var notes: String
    /// The record this one was merged into (two rooms registered the same person), or nil. A merge
    /// is a new journal line of this record with the field set; an un-merge, one with it cleared.
    public var mergedInto: String?
    /// When the merge or un-merge was recorded: across rooms, the latest word on a record wins.
    public var mergeRecordedAt: Date?
    /// How the front desk reaches the patient (a phone number, as written); nil when not given.
    public var phone: String?
    /// The patient's recorded choice to finish or stop their series: they leave the due list
    /// until they come back for another session.
    public var seriesStop: SeriesStop?

    public init(
        id: String, name: String, dateOfBirth: ClinicDay? = nil, chartNumber: String, fitzpatrick: Int? = nil,
        notes: String = "", mergedInto: String? = nil, mergeRecordedAt: Date? = nil, phone: String? = nil,
        seriesStop: SeriesStop? = nil
    ) {
        self.id = id
        self.name = name
        self.dateOfBirth = dateOfBirth
        self.chartNumber = chartNumber
        self.fitzpatrick = fitzpatrick
        self.notes = notes
        self.mergedInto = mergedInto
        self.mergeRecordedAt = mergeRecordedAt
        self.phone = phone
        self.seriesStop = seriesStop
    }
}

/// A series finished or stopped, as the patient chose: when it was recorded and why.
public struct SeriesStop: Codable, Equatable, Sendable {
    public enum Outcome: String, Codable, CaseIterable, Sendable { case finished, stopped }
    public var outcome: Outcome
    public var on: ClinicDay
    public var reason: String

    public init(outcome: Outcome, on: ClinicDay, reason: String) {
        self.outcome = outcome
        self.on = on
        self.reason = reason
    }
}

/// What Chairside remembers of a patient's earlier sessions, for interval warnings and the series count.
public struct SessionRef: Codable, Equatable, Sendable {
    public var sessionID: String
    public var startedAt: Date
    public var status: SessionStatus
    /// The session journal's end is unreadable (issue 14): `status` is as replayed, and the session is
    /// never taken as someone in the chair. Nil (absent from older reference files) when it reads.
    public var endUnreadable: Bool?

    public init(sessionID: String, startedAt: Date, status: SessionStatus, endUnreadable: Bool? = nil) {
        self.sessionID = sessionID
        self.startedAt = startedAt
        self.status = status
        self.endUnreadable = endUnreadable
    }

    /// In progress as far as anyone can tell: its end reads.
    public var isOpen: Bool { status == .inProgress && endUnreadable != true }
}

public enum PatientError: Error, Equatable, Sendable, CustomStringConvertible {
    case nameMissing
    case chartNumberMissing
    case chartNumberTaken(String)
    case fitzpatrickOutOfRange

    public var description: String {
        switch self {
        case .nameMissing: "Enter the patient's name."
        case .chartNumberMissing: "Enter a chart number."
        case .chartNumberTaken(let n):
            "Chart number \(Visible.text(n)) belongs to another patient; check the number or open that patient."
        case .fitzpatrickOutOfRange: "Fitzpatrick skin type is I to VI: enter 1 to 6, or leave it empty."
        }
    }
}

/// Patients found by name or chart number as the technician types. Built for directories of
/// tens of thousands: the patients live in a `CompactDirectory` (one flat buffer, which the store
/// reads from disk a page at a time), plus the few added or edited since it was made, kept as
/// values. A search is one scan of the folded names in name order that stops at `limit`.
public struct PatientDirectory: Sendable {
    public private(set) var snapshot: CompactDirectory
    /// Patients added or edited after the snapshot; they shadow its entry of the same ID.
    private var overlay: [Patient] = []
    private var overlayPosition: [String: Int] = [:]
    private var overlayText: [[UInt8]] = []

    public init(_ list: [Patient] = []) {
        snapshot = CompactDirectory(patients: list, stamp: .init(journalBytes: 0, lastSeq: 0))
    }

    public init(snapshot: CompactDirectory, overlay: [Patient] = []) {
        self.snapshot = snapshot
        for p in overlay { upsert(p) }
    }

    public mutating func upsert(_ patient: Patient) {
        let text = Array(CompactDirectory.searchText(of: patient).utf8)
        if let i = overlayPosition[patient.id] {
            overlay[i] = patient
            overlayText[i] = text
        } else {
            overlayPosition[patient.id] = overlay.count
            overlay.append(patient)
            overlayText.append(text)
        }
    }

    /// How many patients are in the snapshot but were added or changed since: a store rewrites its
    /// snapshot when this grows.
    public var overlayCount: Int { overlay.count }

    /// Everything merged into one new snapshot.
    public func compacted(stamp: CompactDirectory.Stamp) -> CompactDirectory {
        CompactDirectory(patients: patients, stamp: stamp)
    }

    public var count: Int {
        snapshot.count + overlay.filter { snapshot.rank(ofID: $0.id) == nil }.count
    }

    /// Every patient, decoded: the snapshot's in name order, then those added since. For exports,
    /// tests and small directories; the console searches instead.
    public var patients: [Patient] {
        var out: [Patient] = []
        out.reserveCapacity(snapshot.count + overlay.count)
        for rank in 0..<snapshot.count {
            let p = snapshot.patient(at: rank)
            out.append(overlayPosition[p.id].map { overlay[$0] } ?? p)
        }
        for p in overlay where snapshot.rank(ofID: p.id) == nil { out.append(p) }
        return out
    }

    public func patient(id: String) -> Patient? {
        if let i = overlayPosition[id] { return overlay[i] }
        return snapshot.rank(ofID: id).map(snapshot.patient(at:))
    }

    /// Every record merged into another (the snapshot's and those saved since).
    public var mergedRecords: [Patient] {
        var out = overlay.filter { $0.mergedInto != nil }
        for rank in snapshot.mergedRanks() {
            let p = snapshot.patient(at: rank)
            if overlayPosition[p.id] == nil { out.append(p) }
        }
        return out
    }

    /// The patients whose chart number, ignoring case and accents, is exactly `chartNumber`.
    public func patients(chartNumber: String) -> [Patient] {
        let folded = CompactDirectory.fold(chartNumber.trimmingCharacters(in: .whitespaces))
        var out = overlay.filter { CompactDirectory.fold($0.chartNumber) == folded }
        for rank in snapshot.ranks(ofFoldedChart: folded) {
            let p = snapshot.patient(at: rank)
            if overlayPosition[p.id] == nil { out.append(p) }
        }
        return out
    }

    /// The chart number for exports; empty for a patient this directory does not hold.
    public func chartNumber(of id: String) -> String { patient(id: id)?.chartNumber ?? "" }

    /// The chart number of the patient a record is part of: merges recorded here are followed.
    public func chartNumber(followingMerges id: String) -> String {
        var current = patient(id: id)
        var steps = 0
        while let into = current?.mergedInto, let next = patient(id: into), steps < 16 {
            current = next
            steps += 1
        }
        return current?.chartNumber ?? ""
    }

    /// Checks a new or edited patient before it is stored.
    public func validate(_ p: Patient) throws(PatientError) {
        if p.name.trimmingCharacters(in: .whitespaces).isEmpty { throw .nameMissing }
        if p.chartNumber.trimmingCharacters(in: .whitespaces).isEmpty { throw .chartNumberMissing }
        if let f = p.fitzpatrick, !(1...6).contains(f) { throw .fitzpatrickOutOfRange }
        if patients(chartNumber: p.chartNumber).contains(where: { $0.chartNumber == p.chartNumber && $0.id != p.id }) {
            throw .chartNumberTaken(p.chartNumber)
        }
    }

    /// Every word typed must start a word of the name or chart number, ignoring case and accents,
    /// so "jo mu" finds José Müller. An exact chart number comes first; the rest by name. Records
    /// merged into another are left out (the one they were merged into is found instead).
    public func search(_ query: String, limit: Int = 50) -> [Patient] {
        let folded = CompactDirectory.fold(query)
        let typed = folded.split(separator: " ").map { Array($0.utf8) }
        var exact: Patient?
        if !typed.isEmpty {
            exact = patients(chartNumber: folded.split(separator: " ").joined(separator: " "))
                .first { $0.mergedInto == nil }
        }
        let matches = { (text: [UInt8]) in
            text.withUnsafeBufferPointer { t in typed.allSatisfy { CompactDirectory.startsAWord(t, $0) } }
        }
        // Those added since the snapshot, in name order, merged with the snapshot's own.
        // A record merged into another is found through the one it was merged into.
        let extra = overlay.indices.filter {
            overlay[$0].id != exact?.id && overlay[$0].mergedInto == nil && matches(overlayText[$0])
        }
        .map { overlay[$0] }.sorted { ($0.name, $0.id) < ($1.name, $1.id) }
        let room = limit - (exact == nil ? 0 : 1)
        let ranks = snapshot.search(typed: typed, limit: max(0, room)) { rank in
            let id = snapshot.id(at: rank)
            return id == exact?.id || overlayPosition[id] != nil || snapshot.isMerged(at: rank)
        }
        var merged: [Patient] = []
        var e = extra.makeIterator()
        var nextExtra = e.next()
        for rank in ranks {
            let p = snapshot.patient(at: rank)
            while let x = nextExtra, (x.name, x.id) < (p.name, p.id) {
                merged.append(x)
                nextExtra = e.next()
            }
            merged.append(p)
        }
        while let x = nextExtra {
            merged.append(x)
            nextExtra = e.next()
        }
        return Array(((exact.map { [$0] } ?? []) + merged).prefix(limit))
    }

    static func fold(_ s: String) -> String { CompactDirectory.fold(s) }
}
