import Foundation

/// Every room's patients as one clinic: this room's records and those pulled from the other rooms,
/// with merges applied. Two rooms registering the same person give two records; a merge (a journal
/// line of the merged record naming the one it joins) makes them one patient, whose sessions are
/// those of both. Nothing is deleted: the merged record stays, and an un-merge brings it back.
public struct ClinicPatients: Sendable {
    /// A record and the room it came from (nil: this room).
    public struct Record: Equatable, Sendable {
        public var room: String?
        public var patient: Patient
    }

    /// One record per patient ID: the first store's (this room's) fields, unless only a merge mark is
    /// there, then the record of the room that registered the patient.
    public private(set) var records: [String: Record] = [:]
    /// Where each merged record points, from the latest merge or un-merge recorded in any room.
    public private(set) var links: [String: String] = [:]
    private var order: [String] = []

    /// Merge chains longer than this are cut (they cannot form in one store; guards a cycle
    /// made by two rooms merging each other's records at the same moment).
    public static let longestChain = 16

    /// `stores`: this room first (room nil), then the pulled rooms.
    public init(stores: [(room: String?, patients: [Patient])]) {
        var latestMark: [String: Patient] = [:]
        for (room, patients) in stores {
            for p in patients {
                if let at = p.mergeRecordedAt, latestMark[p.id].flatMap(\.mergeRecordedAt).map({ at > $0 }) ?? true {
                    latestMark[p.id] = p
                }
                if let have = records[p.id] {
                    // A copy made only to carry a merge mark gives way to the registering room's record.
                    if have.patient.mergeRecordedAt != nil && p.mergeRecordedAt == nil {
                        records[p.id] = Record(room: room, patient: p)
                    }
                } else {
                    records[p.id] = Record(room: room, patient: p)
                    order.append(p.id)
                }
            }
        }
        for (id, mark) in latestMark {
            if let into = mark.mergedInto { links[id] = into }
        }
        for id in order {
            records[id]?.patient.mergedInto = links[id]
            records[id]?.patient.mergeRecordedAt = latestMark[id]?.mergeRecordedAt
        }
    }

    /// The patient a record stands for now: itself, or the end of its merge chain.
    public func canonical(_ id: String) -> String {
        var current = id
        var steps = 0
        while let next = links[current], records[next] != nil, steps < Self.longestChain {
            current = next
            steps += 1
        }
        return current
    }

    /// The records that make up a patient (theirs and those merged into it, at any depth), the
    /// patient's own first.
    public func members(of id: String) -> [String] {
        let top = canonical(id)
        return [top] + order.filter { $0 != top && canonical($0) == top }
    }

    public func record(_ id: String) -> Record? { records[id] }

    /// The patients, one per person (merged records left out), in name order.
    public var patients: [Record] {
        order.compactMap { records[$0] }.filter { canonical($0.patient.id) == $0.patient.id }
            .sorted { ($0.patient.name, $0.patient.id) < ($1.patient.name, $1.patient.id) }
    }

    /// The chart number shown for a session's patient: the one of the patient the record is part of.
    public func chartNumber(of id: String) -> String { records[canonical(id)]?.patient.chartNumber ?? "" }

    /// Patients (after merges) whose name or chart number words start with every typed word,
    /// ignoring case and accents; an exact chart number match (of any of their records) first.
    public func search(_ query: String, limit: Int = 50) -> [Record] {
        let folded = CompactDirectory.fold(query).split(separator: " ").joined(separator: " ")
        let typed = folded.split(separator: " ").map { Array($0.utf8) }
        var exact: [String] = []
        var hits: [String] = []
        for id in order {
            guard let r = records[id] else { continue }
            let top = canonical(id)
            if CompactDirectory.fold(r.patient.chartNumber) == folded, !folded.isEmpty {
                if !exact.contains(top) { exact.append(top) }
                continue
            }
            guard top == id else { continue }
            let text = Array(CompactDirectory.searchText(of: r.patient).utf8)
            let matched = text.withUnsafeBufferPointer { t in typed.allSatisfy { CompactDirectory.startsAWord(t, $0) } }
            if matched { hits.append(id) }
        }
        let named = hits.filter { !exact.contains($0) }.compactMap { records[$0] }
            .sorted { ($0.patient.name, $0.patient.id) < ($1.patient.name, $1.patient.id) }
        return Array((exact.compactMap { records[$0] } + named).prefix(limit))
    }

    /// The record a command names: its ID, or its chart number when exactly one record has it.
    /// Merged records can be named (to un-merge them).
    public func resolve(_ given: String) throws(PatientMergeError) -> Record {
        let trimmed = given.trimmingCharacters(in: .whitespaces)
        if let r = records[trimmed] { return r }
        let folded = CompactDirectory.fold(trimmed)
        let byChart = order.filter {
            records[$0].map { CompactDirectory.fold($0.patient.chartNumber) == folded } ?? false
        }
        switch byChart.count {
        case 0: throw .unknown(trimmed)
        case 1: return records[byChart[0]]!
        default: throw .ambiguous(trimmed, ids: byChart)
        }
    }

    /// The journal line that merges `other` into `keep`: `other`'s record with the merge set.
    public func merge(keep: String, other: String, at now: Date) throws(PatientMergeError) -> Patient {
        let k = try resolve(keep)
        let o = try resolve(other)
        guard k.patient.id != o.patient.id else { throw .sameRecord(k.patient.id) }
        let oTop = canonical(o.patient.id)
        guard oTop == o.patient.id else { throw .alreadyMerged(o.patient.id, into: oTop) }
        let kTop = canonical(k.patient.id)
        guard kTop == k.patient.id else { throw .keepIsMerged(k.patient.id, into: kTop) }
        var line = o.patient
        line.mergedInto = k.patient.id
        line.mergeRecordedAt = now
        return line
    }

    /// The journal line that takes `other` out of the patient it was merged into.
    public func unmerge(_ other: String, at now: Date) throws(PatientMergeError) -> Patient {
        let o = try resolve(other)
        guard o.patient.mergedInto != nil else { throw .notMerged(o.patient.id) }
        var line = o.patient
        line.mergedInto = nil
        line.mergeRecordedAt = now
        return line
    }
}

/// Why a merge or un-merge was refused. Errors name record IDs and what was typed, never a name.
public enum PatientMergeError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknown(String)
    case ambiguous(String, ids: [String])
    case sameRecord(String)
    case alreadyMerged(String, into: String)
    case keepIsMerged(String, into: String)
    case notMerged(String)

    public var description: String {
        switch self {
        case .unknown(let given):
            "No patient record has the ID or chart number \"\(Visible.text(given))\" in this room or the rooms "
                + "pulled from the replica. Check it with `chairside history`, or run `chairside replicate --once` "
                + "to pull the other rooms first."
        case .ambiguous(let given, let ids):
            "Chart number \"\(Visible.text(given))\" belongs to several records (\(ids.joined(separator: ", "))); "
                + "give the record ID instead."
        case .sameRecord(let id): "Both names point to record \(id): give two different records."
        case .alreadyMerged(let id, let into):
            "Record \(id) is already merged into \(into); nothing was recorded. "
                + "To undo that merge: chairside unmerge-patient \(id)."
        case .keepIsMerged(let id, let into):
            "Record \(id) was merged into \(into); merge into \(into) instead."
        case .notMerged(let id): "Record \(id) is not merged into another; nothing to undo."
        }
    }
}
