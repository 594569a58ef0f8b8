import ChairsideCore
import Foundation

/// The due list and the series choice it respects.
extension Store {
    /// Every patient's due entry (those with a completed session and no recorded end of series
    /// since), sorted by the day their window opens. Reads the directory and every patient's
    /// session references once (all shards), never the journals.
    public func dueList(
        today: ClinicDay, proto: ClinicProtocol, settings: AftercareSettings, scope: DueList.Scope
    ) -> [DueEntry] {
        let refs = allSessionRefs()
        var list: [DueEntry] = []
        // A record merged into another is the same person: the front desk calls them once.
        for patient in directory.patients where patient.mergedInto == nil {
            guard let history = refs[patient.id],
                let entry = DueList.entry(
                    patient, history: history, today: today, timeZone: timeZone, proto: proto, settings: settings),
                DueList.includes(entry, scope: scope, today: today)
            else { continue }
            list.append(entry)
        }
        return DueList.sorted(list)
    }

    /// Records the patient's choice to finish or stop their series (a new revision of the patient
    /// record, appended like every other): they leave the due list until their next session.
    @discardableResult
    public func recordSeriesStop(of patient: Patient, _ stop: SeriesStop) throws -> Patient {
        var patient = patient
        patient.seriesStop = stop
        return try savePatient(patient)
    }

    /// Each patient's sessions, from the reference shards read once each.
    func allSessionRefs() -> [String: [SessionRef]] {
        if access == .read {
            if patientState.memoryRefs == nil, FileManager.default.fileExists(atPath: refsCompletePath) {
                var all: [String: [SessionRef]] = [:]
                for n in 0..<Self.refShards { all.merge(readShard(n) ?? [:]) { a, _ in a } }
                return all
            }
            if patientState.memoryRefs == nil { patientState.memoryRefs = (try? rebuildSessionRefs()) ?? [:] }
            return patientState.memoryRefs ?? [:]
        }
        guard ensureRefs() else { return [:] }
        var all: [String: [SessionRef]] = [:]
        for n in 0..<Self.refShards { all.merge(readShard(n) ?? [:]) { a, _ in a } }
        return all
    }
}
