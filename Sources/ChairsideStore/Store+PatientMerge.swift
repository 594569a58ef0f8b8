import ChairsideCore
import Foundation

/// The clinic as one record: this store's patients and the pulled rooms' (read-only), merges applied.
/// Opened per command: it decodes every patient of every room, which a history or a merge needs
/// and the console's start never pays for.
public struct ClinicView {
    /// How many name matches a lookup view holds: more than any lookup shows (`history` lists 10).
    public static let lookupMatches = 50
    public let patients: ClinicPatients
    let local: Store
    let rooms: [(id: String, store: Store)]

    /// A patient's sessions in every room, those of the records merged into them included, oldest first.
    public func sessions(of patientID: String) throws(StoreError) -> [SessionSummary] {
        var out: [SessionSummary] = []
        for member in patients.members(of: patientID) {
            out += try local.historySummaries(of: member)
            for room in rooms { out += (try? room.store.historySummaries(of: member)) ?? [] }
        }
        var seen = Set<String>()
        return out.filter { seen.insert($0.id).inserted }.sorted { ($0.startedAt, $0.id) < ($1.startedAt, $1.id) }
    }
}

extension Store {
    /// A time as the journal keeps it (milliseconds), so the directory made from memory and the one
    /// rebuilt from the journal are the same bytes.
    static func recordedTime(_ date: Date) -> Date { Timestamp.parse(Timestamp.format(date)) ?? date }

    /// Every room's patients as one clinic (see `ClinicView`).
    public func clinicView() -> ClinicView { clinicView(rooms: pulledRooms()) }

    /// The rooms pulled from the replica, opened read-only.
    private func pulledRooms() -> [(id: String, store: Store)] {
        RoomArea.open(storeRoot: root, timeZone: timeZone, today: ClinicDay(Date(), timeZone: timeZone))
    }

    private func clinicView(rooms: [(id: String, store: Store)]) -> ClinicView {
        let stores: [(room: String?, patients: [Patient])] =
            [(nil, directory.patients)] + rooms.map { ($0.id, $0.store.directory.patients) }
        return ClinicView(patients: ClinicPatients(stores: stores), local: self, rooms: rooms)
    }

    /// The clinic view for looking up one patient (`history`). With rooms pulled from the replica it
    /// is the whole view. Without, only what the lookup can reach is decoded: the records `query`
    /// names (ID, chart number, the directory's first name matches), every record merged into
    /// another, and the records those merges lead to. That is all `ClinicPatients` needs to find,
    /// canonicalize and gather the patient's records, without decoding every patient (40,000 at
    /// ten years, a quarter of a second).
    public func clinicView(lookingUp query: String) -> ClinicView {
        let rooms = pulledRooms()
        guard rooms.isEmpty else { return clinicView(rooms: rooms) }
        let dir = directory
        let trimmed = query.trimmingCharacters(in: .whitespaces)
        var reached: [Patient] = []
        var ids = Set<String>()
        func reach(_ p: Patient) { if ids.insert(p.id).inserted { reached.append(p) } }
        dir.patient(id: trimmed).map(reach)
        dir.patients(chartNumber: trimmed).forEach(reach)
        dir.search(trimmed, limit: ClinicView.lookupMatches).forEach(reach)
        var merged = dir.mergedRecords
        merged.forEach(reach)
        // Where each merge leads, up to the longest chain a clinic can hold.
        for _ in 0..<ClinicPatients.longestChain {
            let next = merged.compactMap(\.mergedInto).filter { !ids.contains($0) }.compactMap(dir.patient(id:))
            if next.isEmpty { break }
            next.forEach(reach)
            merged = next.filter { $0.mergedInto != nil }
        }
        return ClinicView(patients: ClinicPatients(stores: [(nil, reached)]), local: self, rooms: [])
    }

    /// Records that `other` (an ID or chart number, in this room or a pulled one) is the same person
    /// as `keep`: one journal line in this store's patient journal, shipped to the replica like any
    /// other. Returns the line recorded.
    @discardableResult
    public func mergePatients(keep: String, other: String, at now: Date) throws -> Patient {
        try requireWritable()
        let line = try clinicView().patients.merge(keep: keep, other: other, at: Self.recordedTime(now))
        return try appendPatient(line, validating: false)
    }

    /// Records that a merged record is a patient of its own again (a new line; the merge stays in the journal).
    @discardableResult
    public func unmergePatient(_ other: String, at now: Date) throws -> Patient {
        try requireWritable()
        let line = try clinicView().patients.unmerge(other, at: Self.recordedTime(now))
        return try appendPatient(line, validating: false)
    }
}
